/** Client connections of a node (RTMP, WCS WebSocket sessions) as the {@code /connection/*} methods see them. */
package org.estuary.core.session;
