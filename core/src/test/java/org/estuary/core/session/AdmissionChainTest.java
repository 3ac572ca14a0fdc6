package org.estuary.core.session;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.estuary.core.net.AddressFilter;
import org.junit.jupiter.api.Test;

class AdmissionChainTest {
    private static final AdmissionRequest PUBLISH = new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP",
            "live", "cam1", "10.0.0.5", Map.of("secret", "s3cret"));

    private static AdmissionDecision decide(Admission a, AdmissionRequest r) {
        return a.check(r).toCompletableFuture().join();
    }

    @Test
    void emptyChainAllowsUnchanged() {
        AdmissionDecision d = decide(new AdmissionChain(), PUBLISH);
        assertTrue(d.allowed());
        assertEquals("cam1", d.streamName());
        assertEquals(Map.of(), d.fields());
    }

    @Test
    void firstRefusalWinsAndLaterLinksAreNotAsked() {
        List<String> asked = new CopyOnWriteArrayList<>();
        AdmissionChain chain = new AdmissionChain()
                .add(r -> { asked.add("a"); return CompletableFuture.completedFuture(AdmissionDecision.deny("nope")); })
                .add(r -> { asked.add("b"); return CompletableFuture.completedFuture(AdmissionDecision.allow(r)); });
        AdmissionDecision d = decide(chain, PUBLISH);
        assertFalse(d.allowed());
        assertEquals("nope", d.reason());
        assertEquals(List.of("a"), asked);
    }

    @Test
    void renamesCarryForwardAndFieldsMerge() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AdmissionChain chain = new AdmissionChain()
                .add(r -> CompletableFuture.completedFuture(new AdmissionDecision(true, "", "real", Map.of("a", "1", "b", "1"))))
                .add(r -> {
                    seen.add(r.streamName());
                    return CompletableFuture.completedFuture(new AdmissionDecision(true, "", "", Map.of("b", "2")));
                });
        AdmissionDecision d = decide(chain, PUBLISH);
        assertTrue(d.allowed());
        assertEquals(List.of("real"), seen, "the second link sees the renamed stream");
        assertEquals("real", d.streamName(), "an empty name in a later answer keeps the rename");
        assertEquals(Map.of("a", "1", "b", "2"), d.fields());
    }

    @Test
    void failingLinkRefusesInsteadOfThrowing() {
        AdmissionChain throwing = new AdmissionChain().add(r -> { throw new IllegalStateException("boom"); });
        assertFalse(decide(throwing, PUBLISH).allowed());
        AdmissionChain failed = new AdmissionChain().add(r -> CompletableFuture.failedFuture(new RuntimeException("down")));
        AdmissionDecision d = decide(failed, PUBLISH);
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("down"), d.reason());
    }

    @Test
    void staticRulesCheckNetworkAndSecret() {
        StaticRules rules = new StaticRules(AddressFilter.parse(List.of("10.0.0.0/8")), AddressFilter.any(), "s3cret",
                "", "secret");
        assertTrue(rules.restrictsAnything());
        assertTrue(rules.decide(PUBLISH).allowed());
        assertFalse(rules.decide(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP", "live", "cam1",
                "192.168.1.2", Map.of("secret", "s3cret"))).allowed(), "outside the network");
        AdmissionDecision wrong = rules.decide(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP", "live",
                "cam1", "10.1.1.1", Map.of("secret", "s3creT")));
        assertFalse(wrong.allowed());
        assertTrue(wrong.reason().contains("secret"), wrong.reason());
        assertFalse(rules.decide(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP", "live", "cam1",
                "10.1.1.1", Map.of())).allowed(), "missing secret");
        assertTrue(rules.decide(new AdmissionRequest(AdmissionRequest.Action.PLAY, "HLS", "", "cam1",
                "192.168.1.2", Map.of())).allowed(), "play is open");
        assertTrue(rules.decide(new AdmissionRequest(AdmissionRequest.Action.CONNECT, "RTMP", "live", "",
                "192.168.1.2", Map.of())).allowed(), "connect is never refused by the static rules");
        // REST-started ingest (no client address): judged by the secret alone
        assertTrue(rules.decide(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "MPEGTS-UDP", "", "cam1",
                "", Map.of("secret", "s3cret"))).allowed());
    }

    @Test
    void rulesWithoutSettingsRestrictNothing() {
        assertFalse(new StaticRules(AddressFilter.any(), AddressFilter.any(), "", "", "secret").restrictsAnything());
    }

    /** A player of an ABR rendition or master is judged as a player of the source (the rules see "cam"). */
    @Test
    void derivedNamesAreJudgedAsTheirSource() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AdmissionChain chain = new AdmissionChain()
                .deriving(n -> n.endsWith("-HLS-ABR-STREAM") ? n.substring(0, n.length() - 15) : null)
                .deriving(n -> n.equals("cam-360p") ? "cam" : null)
                .add(r -> {
                    seen.add(r.streamName());
                    return CompletableFuture.completedFuture("mallory".equals(r.params().get("viewer"))
                            ? AdmissionDecision.deny("not for you") : AdmissionDecision.allow(r));
                });
        AdmissionRequest alice = play("cam-360p", "alice");
        AdmissionDecision d = decide(chain, alice);
        assertTrue(d.allowed());
        assertEquals("cam-360p", d.streamName(), "the derived name is served");
        assertFalse(decide(chain, play("cam-360p", "mallory")).allowed());
        assertFalse(decide(chain, play("cam-HLS-ABR-STREAM", "mallory"))
                .allowed());
        assertEquals(List.of("cam", "cam", "cam"), seen);
        // a publisher of such a name is not a player: judged by its own name
        decide(chain, new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP", "live", "cam-360p", "", Map.of()));
        assertEquals("cam-360p", seen.get(3));
        // a rename of the source carries over to the suffix
        AdmissionChain renaming = new AdmissionChain().deriving(n -> n.equals("cam-360p") ? "cam" : null)
                .add(r -> CompletableFuture.completedFuture(new AdmissionDecision(true, "", "studio", Map.of())));
        assertEquals("studio-360p", decide(renaming, alice).streamName());
    }

    private static AdmissionRequest play(String name, String viewer) {
        return new AdmissionRequest(AdmissionRequest.Action.PLAY, "HLS", "", name, "10.0.0.7", Map.of("viewer", viewer));
    }
}
