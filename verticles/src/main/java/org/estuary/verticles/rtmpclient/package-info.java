/**
 * RTMP as one server's client of another, shared by the features that dial out (pull, push, CDN
 * edge relays): {@link org.estuary.verticles.rtmpclient.RtmpClientConnection} (handshake, connect,
 * publish or play over the core codec) and {@link org.estuary.verticles.rtmpclient.RtmpToFrames}
 * (RTMP media messages into hub frames) and {@link org.estuary.verticles.rtmpclient.StreamToRtmp}
 * (hub frames into shared RTMP chunk bytes); the RTMP server uses these two adapters as well.
 *
 * <p>Not a feature package: features import it, it imports only {@code core}.
 */
package org.estuary.verticles.rtmpclient;
