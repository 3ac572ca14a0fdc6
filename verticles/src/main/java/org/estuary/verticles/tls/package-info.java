/** TLS for every server of a node: one PEM certificate and key, ALPN (HTTP/2) for HTTP, reload on file change. */
package org.estuary.verticles.tls;
