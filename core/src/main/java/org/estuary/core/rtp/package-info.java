/**
 * RTP receive-side pieces shared by every protocol that takes RTP over UDP (RTSP ingest, SIP calls,
 * WebRTC publishers): the reorder (jitter) buffer, RFC 3550 reception statistics (loss, jitter,
 * LSR/DLSR) and RTCP (§6) sender/receiver reports.
 * Pure: no sockets, no threads, no clocks of their own (callers pass the time). Protocol packages
 * ({@code core.rtsp}, {@code core.sip}) use these rather than keeping copies.
 */
package org.estuary.core.rtp;
