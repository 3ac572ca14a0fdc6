/**
 * HLS output: the HLS HTTP server (playlists, segments, LL-HLS blocking reload), one
 * {@link org.estuary.verticles.hls.HlsAgent} per stream reading the hub and feeding the core
 * segmenter, and the {@code /hls/*} REST methods.
 */
package org.estuary.verticles.hls;
