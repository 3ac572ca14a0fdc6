/**
 * RTSP client building blocks without any I/O: RTSP messages and their incremental parser (with
 * interleaved RTP frames), SDP, Basic/Digest authentication, RTP packets, depacketisers (H.264
 * RFC 6184, H.265 RFC 7798, AAC RFC 3640, G.711, Opus) and the clock that maps RTP timestamps to
 * the hub's microseconds with RTCP sender-report A/V sync. The reorder (jitter) buffer and RTCP
 * are the shared {@code org.estuary.core.rtp} ones. The transport (sockets, timers) lives in
 * {@code org.estuary.verticles.rtsp}.
 */
package org.estuary.core.rtsp;
