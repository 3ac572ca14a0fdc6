package org.estuary.core.hls;

/** One LL-HLS partial segment as listed by {@code EXT-X-PART}. */
public record HlsPart(String uri, double durationSec, boolean independent) { }
