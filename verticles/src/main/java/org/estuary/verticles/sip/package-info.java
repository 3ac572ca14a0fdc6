/**
 * SIP calls bridged to streams: one JAIN-SIP stack on {@code sip.port} (UDP and TCP) owned by
 * {@link org.estuary.verticles.sip.SipVerticle}, one {@code Call} per call leg with the reference
 * server's statuses, RTP on ports of the media range, call audio published as an AAC stream (and a
 * video call's H.264 passed through beside it, {@code CallVideo}), and sounds, streams (with their
 * H.264 for video calls) and DTMF sent into calls.
 */
package org.estuary.verticles.sip;
