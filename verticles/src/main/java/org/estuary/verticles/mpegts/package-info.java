/**
 * MPEG-TS ingest ({@code /mpepts/*}): one port from the media pool per session, fed either by a
 * UDP datagram socket or by an SRT listener (FFmpeg's libsrt via {@code media.srt}), demuxed on
 * the verticle's event loop into a hub stream.
 */
package org.estuary.verticles.mpegts;
