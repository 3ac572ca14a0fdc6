/**
 * MPEG-2 transport stream (ISO/IEC 13818-1): a tolerant pushed demuxer (PAT/PMT/PES) with its
 * conversion into hub frames for ingest, and a muxer (PAT/PMT, PES with PTS/DTS, PCR, continuity
 * counters) for HLS segments. Pure byte work, no I/O.
 */
package org.estuary.core.mpegts;
