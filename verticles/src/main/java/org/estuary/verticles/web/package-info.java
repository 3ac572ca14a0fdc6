/**
 * The HTTP server on {@code websocket.port} (8080 by default), the port browsers talk to: WHIP/WHEP
 * and, mounted by their features, the WebSocket client API and the web page. Features add routes
 * with {@link org.estuary.verticles.web.WebPortVerticle#addRoutes} before deployment.
 */
package org.estuary.verticles.web;
