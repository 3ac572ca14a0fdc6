/**
 * Client connections of a node (RTMP, WCS WebSocket sessions) as the {@code /connection/*} methods see them,
 * and the admission point ({@link org.estuary.core.session.Admission}) every protocol asks before it
 * accepts a connection, starts a publish or attaches a reader.
 */
package org.estuary.core.session;
