/** Client connections of a node (RTMP, later WebSocket) as the {@code /connection/*} methods see them. */
package org.estuary.core.session;
