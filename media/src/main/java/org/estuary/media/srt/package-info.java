/**
 * SRT (Secure Reliable Transport) ingest through the libsrt inside bytedeco's FFmpeg build: a
 * listener that hands the received MPEG-TS bytes to Java, so our own demuxer does the demuxing.
 * No Java SRT library is well kept enough to use instead. Each receiver owns one worker thread
 * and frees all its native objects when closed; no bytedeco type appears in the public API.
 */
package org.estuary.media.srt;
