/**
 * RTSP ingest ({@code /rtsp/*}): {@link org.estuary.verticles.rtsp.RtspVerticle} keeps one
 * {@link org.estuary.verticles.rtsp.RtspAgent} per camera URI; each agent runs
 * {@link org.estuary.verticles.rtsp.RtspSession}s (one RTSP connection each: OPTIONS, DESCRIBE,
 * SETUP, PLAY, keepalive, RTCP receiver reports; RTP interleaved over TCP or over UDP ports of
 * the media range) and reconnects with backoff. Protocol logic without I/O is in
 * {@code org.estuary.core.rtsp}.
 */
package org.estuary.verticles.rtsp;
