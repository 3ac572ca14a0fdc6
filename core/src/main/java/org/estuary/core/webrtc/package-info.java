/**
 * WebRTC wire codecs, pure and socket-free: STUN binding for ICE-lite ({@link org.estuary.core.webrtc.Stun}),
 * the RFC 7983 first-byte demultiplexer ({@link org.estuary.core.webrtc.PacketKind}), the SDP offer
 * parser and answer writer ({@link org.estuary.core.webrtc.SdpOffer}, {@link org.estuary.core.webrtc.SdpAnswer}),
 * RTCP feedback messages (PLI, FIR, NACK, SR) and the H.264 RTP packetiser, with its per-frame cache shared by
 * all players of a stream ({@link org.estuary.core.webrtc.SharedH264Packets}). The transport (UDP,
 * DTLS, SRTP, sessions) lives in {@code verticles.webrtc}.
 */
package org.estuary.core.webrtc;
