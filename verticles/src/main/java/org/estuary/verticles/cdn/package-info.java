/**
 * The CDN on top of the cluster module's shared tables: stream routes and {@code /cdn/*} methods
 * ({@link org.estuary.verticles.cdn.CdnVerticle}), and edge relays that pull a stream from its origin
 * when a local player asks for it ({@link org.estuary.verticles.cdn.EdgeRelays}).
 *
 * <p>This package talks to other features only over the event bus (a relay is an RTMP pull started
 * through {@code /pull/rtmp/pull}, delivered local-only) and to the stream hub through core's
 * {@link org.estuary.core.stream.OnDemandSource}; no protocol package imports it.
 */
package org.estuary.verticles.cdn;
