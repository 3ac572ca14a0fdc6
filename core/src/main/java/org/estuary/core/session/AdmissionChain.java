package org.estuary.core.session;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Admissions asked in turn: the first refusal wins; each link sees the stream name as renamed by
 * the links before it, and the fields they attached are merged. Links may be added at any time
 * (static rules, HTTP hooks, CDN stream access lists, ...); an empty chain allows everything.
 * A link that fails (exception) counts as a refusal naming the failure.
 */
public final class AdmissionChain implements Admission {
    private final List<Admission> links = new CopyOnWriteArrayList<>();

    public AdmissionChain add(Admission link) {
        links.add(link);
        return this;
    }

    public int size() {
        return links.size();
    }

    @Override
    public CompletionStage<AdmissionDecision> check(AdmissionRequest request) {
        return step(List.copyOf(links), 0, request, AdmissionDecision.allow(request));
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
