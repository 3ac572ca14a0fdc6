/**
 * Pure pieces of SIP calls bridged to streams: the call status vocabulary, SDP offer/answer for
 * audio, RTP packets, G.711 and RFC 2833 DTMF (the jitter buffer, reception statistics and RTCP
 * are the shared {@code org.estuary.core.rtp} ones). No sockets, no threads, no JAIN-SIP.
 */
package org.estuary.core.sip;
