/**
 * Fragmented MP4 (ISO BMFF / CMAF) writing for low-latency HLS: an init segment (ftyp + moov with
 * mvex) and moof/mdat fragments (HLS parts). Named {@code cmaf} so it never clashes with the MP4
 * file recorder's package.
 */
package org.estuary.core.cmaf;
