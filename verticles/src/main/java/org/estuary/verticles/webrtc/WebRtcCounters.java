package org.estuary.verticles.webrtc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the engine refused or lost, counted (bad input is dropped, never answered, never fatal). */
final class WebRtcCounters {
    final LongAdder stunChecks = new LongAdder();
    /** RTX packets from publishers (RFC 4588): resends restored into the jitter buffer, and padding-only probes */
    final LongAdder rtxReceived = new LongAdder();
    final LongAdder rtxRepaired = new LongAdder();
    final LongAdder rtxPadding = new LongAdder();
    final LongAdder stunBadIntegrity = new LongAdder();
    final LongAdder stunUnknownUser = new LongAdder();
    final LongAdder stunMalformed = new LongAdder();
    final LongAdder dtlsStrangers = new LongAdder();
    final LongAdder dtlsFailures = new LongAdder();
    final LongAdder rtpStrangers = new LongAdder();
    final LongAdder unknownSsrc = new LongAdder();
    final LongAdder srtpFailures = new LongAdder();
    final LongAdder unknownPackets = new LongAdder();
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder sessionsTimedOut = new LongAdder();
    final LongAdder badOffers = new LongAdder();
    final LongAdder transportFeedback = new LongAdder();
    final LongAdder nacksSent = new LongAdder();
    final LongAdder pacedTurns = new LongAdder();
    final LongAdder receiverReports = new LongAdder();
    final LongAdder rembSent = new LongAdder();
    final LongAdder retransmitted = new LongAdder();
    final LongAdder rtxSent = new LongAdder();
    /** VP8/VP9 publishes' H.264 transcodes (on demand): started since the engine started, running now */
    final LongAdder h264TranscodeStarts = new LongAdder();
    final LongAdder h264TranscodesRunning = new LongAdder();

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("stunChecks", stunChecks.sum());
        m.put("stunBadIntegrity", stunBadIntegrity.sum());
        m.put("stunUnknownUser", stunUnknownUser.sum());
        m.put("stunMalformed", stunMalformed.sum());
        m.put("dtlsStrangers", dtlsStrangers.sum());
        m.put("dtlsFailures", dtlsFailures.sum());
        m.put("rtpStrangers", rtpStrangers.sum());
        m.put("unknownSsrc", unknownSsrc.sum());
        m.put("srtpFailures", srtpFailures.sum());
        m.put("unknownPackets", unknownPackets.sum());
        m.put("sessionsOpened", sessionsOpened.sum());
        m.put("sessionsTimedOut", sessionsTimedOut.sum());
        m.put("badOffers", badOffers.sum());
        m.put("transportFeedbackSent", transportFeedback.sum());
        m.put("nackedPackets", nacksSent.sum());
        m.put("pacedPlayerTurns", pacedTurns.sum());
        m.put("receiverReportsSent", receiverReports.sum());
        m.put("rembSent", rembSent.sum());
        m.put("packetsRetransmitted", retransmitted.sum());
        m.put("rtxPacketsSent", rtxSent.sum());
        m.put("rtxPacketsReceived", rtxReceived.sum());
        m.put("rtxPacketsRepaired", rtxRepaired.sum());
        m.put("rtxPaddingReceived", rtxPadding.sum());
        m.put("h264Transcodes", h264TranscodesRunning.sum());
        m.put("h264TranscodesStarted", h264TranscodeStarts.sum());
        return m;
    }
}
