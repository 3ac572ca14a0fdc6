/**
 * The WebRTC media engine and WHIP/WHEP.
 *
 * <p><b>Engine API</b> (what the WebSocket client API uses): {@link org.estuary.verticles.webrtc.WebRtcSessions},
 * implemented by {@link org.estuary.verticles.webrtc.WebRtcVerticle} (EstuaryServer creates one and can hand it
 * to other features). {@code open(new Request(sdpOffer, streamName, PUBLISH|PLAY, ownerId, onClosed))} answers
 * a complete offer with an SDP answer and a session id, or fails with a {@link org.estuary.verticles.agent.ControlError} (the kit's one control failure)
 * carrying the HTTP status (400 bad SDP, 409 name in use, 404 no such stream, 503); {@code close(sessionId, reason)}
 * ends it; {@code onClosed} is told when the browser goes away (consent timeout, DTLS close) or the stream is terminated.
 *
 * <p><b>Inside:</b> one UDP port ({@code webrtc.port}) for all sessions, demultiplexed by first byte (RFC 7983):
 * STUN Binding requests are checked (MESSAGE-INTEGRITY with our ice-pwd, FINGERPRINT) and answered on the event
 * loop (ICE-lite); the nominated address then maps DTLS and SRTP to the session. DTLS 1.2 server handshakes (bctls,
 * ECDSA P-256, use_srtp, client certificate checked against a=fingerprint) run on a bounded thread pool; SRTP
 * (AEAD_AES_128_GCM preferred, AES128_CM_HMAC_SHA1_80) on jitsi-srtp. A publish depacketises H.264 (core.rtsp) into
 * the stream and transcodes Opus to AAC once, on a worker pool, for RTMP/HLS readers; a play packetises H.264
 * (STAP-A/FU-A) once per frame for all its players, each player's {@link org.estuary.verticles.webrtc.RtpOut} adding
 * its own sequence numbers, timestamps and SSRC and encrypting in place; transcodes AAC to Opus on a worker, sends
 * RTCP SR, answers NACKs from a short history and forwards PLI/FIR to a WebRTC publisher of the stream. UDP sends
 * are batched per event-loop turn ({@link org.estuary.verticles.webrtc.BatchedUdpSender}: sendmmsg, UDP GSO).
 * <b>SFU rooms</b> ({@code openRoom}, {@link org.estuary.verticles.webrtc.SfuRooms}): a participant's publishing
 * session ({@link org.estuary.verticles.webrtc.SfuPublisher}) decrypts once and hands plain RTP to one
 * {@link org.estuary.verticles.webrtc.SfuSubscriber} per receiving peer connection, which rewrites SSRC, sequence
 * and timestamps and re-encrypts; PLI on join, NACK from a history; {@code /sfu/stats} is served here.
 * {@link org.estuary.verticles.webrtc.WhipRoutes} serves {@code /whip/<stream>} and {@code /whep/<stream>} on the
 * web port.
 */
package org.estuary.verticles.webrtc;
