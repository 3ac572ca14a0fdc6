/**
 * The WebSocket/HTTP listener ({@code websocket.port}): the WCS WebSocket client API (sessions,
 * keepalive, data and stream events, publish/play signalling), the REST methods that reach those
 * sessions ({@code /data/send}, {@code /stream/event/send}, {@code /logger/*}) and the web page.
 */
package org.estuary.verticles.websocket;
