/**
 * MPEG-2 transport stream writing (ISO/IEC 13818-1): PAT/PMT tables, PES packets with PTS/DTS,
 * PCR and continuity counters, for HLS segments. Pure byte work, no I/O.
 */
package org.estuary.core.mpegts;
