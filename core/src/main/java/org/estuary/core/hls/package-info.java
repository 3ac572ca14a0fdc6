/**
 * HLS packaging without I/O: the segmenter that cuts a stream's frames into MPEG-TS segments or
 * (low-latency) fMP4 parts and segments, the sliding playlist window, and media/master playlist
 * rendering (RFC 8216 and its low-latency extension).
 */
package org.estuary.core.hls;
