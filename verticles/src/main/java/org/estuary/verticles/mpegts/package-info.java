/**
 * MPEG-TS ingest ({@code /mpepts/*}): one port from the media pool per session, read on its own
 * thread by a UDP channel or an SRT listener (FFmpeg's libsrt via {@code media.srt}), handed to the
 * verticle's event loop in order, demuxed there into a hub stream.
 */
package org.estuary.verticles.mpegts;
