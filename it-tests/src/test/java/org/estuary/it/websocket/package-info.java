/**
 * Black-box tests of the WCS WebSocket client API and the web page: a JDK WebSocket client speaking
 * WCS's messages ({@link org.estuary.it.websocket.WcsClient}) and headless Chromium driven through
 * chromedriver's W3C protocol ({@link org.estuary.it.websocket.WebDriver}).
 */
package org.estuary.it.websocket;
