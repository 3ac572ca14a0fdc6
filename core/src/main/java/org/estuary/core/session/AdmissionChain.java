package org.estuary.core.session;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Admissions asked in turn: the first refusal wins; each link sees the stream name as renamed by
 * the links before it, and the fields they attached are merged. Links may be added at any time
 * (static rules, HTTP hooks, CDN stream access lists, ...); an empty chain allows everything.
 * A link that fails (exception) counts as a refusal naming the failure.
 *
 * <p>Some names show another stream's pictures (an ABR rendition {@code cam-360p}, an ABR master
 * {@code cam-HLS-ABR-STREAM}): a {@link #deriving} resolver maps such a name to its source, and a
 * player of it is judged as a player of the source (hooks, static rules and access lists see
 * {@code cam}), so whoever may not watch {@code cam} cannot watch its renditions either.
 */
public final class AdmissionChain implements Admission {
    private final List<Admission> links = new CopyOnWriteArrayList<>();
    private final List<Function<String, String>> sources = new CopyOnWriteArrayList<>();

    public AdmissionChain add(Admission link) {
        links.add(link);
        return this;
    }

    /**
     * Adds a resolver from a derived stream name to its source (null or the name itself: not derived).
     * Called from any thread, so it must be thread-safe and quick.
     */
    public AdmissionChain deriving(Function<String, String> sourceOf) {
        sources.add(sourceOf);
        return this;
    }

    /** The source whose rules a player of {@code name} is judged by ({@code name} itself when not derived). */
    public String admissionName(String name) {
        for (Function<String, String> f : sources) {
            String src = f.apply(name);
            if (src != null && !src.isEmpty() && !src.equals(name)) {
                return src;
            }
        }
        return name;
    }

    public int size() {
        return links.size();
    }

    @Override
    public CompletionStage<AdmissionDecision> check(AdmissionRequest request) {
        String name = request.streamName();
        String source = request.action() == AdmissionRequest.Action.PLAY ? admissionName(name) : name;
        if (source.equals(name)) {
            return step(List.copyOf(links), 0, request, AdmissionDecision.allow(request));
        }
        // judged as the source; a rename of the source carries over to the derived name's suffix
        AdmissionRequest asSource = request.withStreamName(source);
        return step(List.copyOf(links), 0, asSource, AdmissionDecision.allow(asSource)).thenApply(d -> {
            if (!d.allowed()) {
                return d;
            }
            String renamed = d.streamName().isEmpty() || d.streamName().equals(source) || !name.startsWith(source)
                    ? name : d.streamName() + name.substring(source.length());
            return new AdmissionDecision(true, d.reason(), renamed, d.fields());
        });
    }

    private static CompletionStage<AdmissionDecision> step(List<Admission> links, int i, AdmissionRequest request,
                                                           AdmissionDecision sofar) {
        if (i == links.size()) {
            return CompletableFuture.completedFuture(sofar);
        }
        CompletionStage<AdmissionDecision> answer;
        try {
            answer = links.get(i).check(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(AdmissionDecision.deny("admission check failed: " + e.getMessage()));
        }
        return answer.handle((d, e) -> e != null || d == null
                        ? AdmissionDecision.deny("admission check failed: " + (e == null ? "no answer" : e.getMessage()))
                        : d)
                .thenCompose(d -> {
                    if (!d.allowed()) {
                        return CompletableFuture.completedFuture(d);
                    }
                    String name = d.streamName().isEmpty() ? request.streamName() : d.streamName();
                    AdmissionDecision merged = sofar.then(new AdmissionDecision(true, "", name, d.fields()));
                    return step(links, i + 1, request.withStreamName(name), merged);
                });
    }
}
