/** The {@code /stream/*} and {@code /connection/*} REST methods over the node's hub, and stream lifecycle events. */
package org.estuary.verticles.stream;
