package org.estuary.verticles.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.estuary.core.config.HooksConfig;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionDecision;
import org.estuary.core.session.AdmissionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the operator's backend: POSTs the request as JSON to the URL configured for its action
 * ({@code hooks.onConnect/onPublish/onPlay}); 2xx allows, any other status refuses. A JSON answer
 * may carry {@code "streamName"} (rename) and {@code "fields"} (attached to the publisher/player).
 * When the backend cannot be reached or does not answer within {@code hooks.timeoutMs} the
 * request is allowed or refused by {@code hooks.failOpen}. Actions without a URL are allowed.
 */
public final class HttpHooks implements Admission {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHooks.class);
    /** Answers larger than this are not read as JSON: a hook answer is a few fields. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HooksConfig config;
    private final String nodeId;
    private final HttpClient client;

    public HttpHooks(Vertx vertx, HooksConfig config, String nodeId) {
        this.config = config;
        this.nodeId = nodeId;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeoutMs()))
                .setKeepAlive(true));
    }

    /** True when at least one action has a URL. */
    public static boolean configured(HooksConfig c) {
        return !c.onConnect().isEmpty() || !c.onPublish().isEmpty() || !c.onPlay().isEmpty();
    }

    @Override
    public CompletionStage<AdmissionDecision> check(AdmissionRequest r) {
        String url = switch (r.action()) {
            case CONNECT -> config.onConnect();
            case PUBLISH -> config.onPublish();
            case PLAY -> config.onPlay();
        };
        if (url.isEmpty()) {
            return Future.succeededFuture(AdmissionDecision.allow(r)).toCompletionStage();
        }
        Buffer body = describe(r).toBuffer();
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                        .putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> answer(r, url, resp.statusCode(), b)))
                .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
                .recover(e -> Future.succeededFuture(unreachable(r, url, e)))
                .toCompletionStage();
    }

    JsonObject describe(AdmissionRequest r) {
        JsonObject params = new JsonObject();
        r.params().forEach(params::put);
        return new JsonObject().put("action", r.action().name().toLowerCase(Locale.ROOT)).put("protocol", r.protocol())
                .put("app", r.app()).put("streamName", r.streamName()).put("clientAddress", r.clientAddress())
                .put("params", params).put("nodeId", nodeId);
    }

    private AdmissionDecision answer(AdmissionRequest r, String url, int status, Buffer b) {
        if (status < 200 || status > 299) {
            LOG.info("hook {} refused {} {} {} from {}: HTTP {}", url, r.protocol(), r.action(), r.streamName(),
                    r.clientAddress(), status);
            return AdmissionDecision.deny("refused by the backend (HTTP " + status + ")");
        }
        String name = r.streamName();
        Map<String, String> fields = new LinkedHashMap<>();
        if (b.length() > 0 && b.length() <= MAX_ANSWER_BYTES) {
            try {
                JsonObject json = new JsonObject(b);
                String renamed = json.getValue("streamName") instanceof String s ? s.trim() : "";
                if (!renamed.isEmpty() && r.action() != AdmissionRequest.Action.CONNECT) {
                    if (!validName(renamed)) {
                        return AdmissionDecision.deny("the backend answered an invalid streamName");
                    }
                    name = renamed;
                }
                if (json.getValue("fields") instanceof JsonObject f) {
                    f.forEach(e -> fields.put(e.getKey(), String.valueOf(e.getValue())));
                }
            } catch (DecodeException | ClassCastException e) {
                // a 2xx with a body that is not a JSON object (e.g. "OK") simply allows
            }
        }
        return new AdmissionDecision(true, "", name, fields);
    }

    private AdmissionDecision unreachable(AdmissionRequest r, String url, Throwable e) {
        LOG.warn("hook {} did not answer for {} {} {} ({}): {}", url, r.protocol(), r.action(), r.streamName(),
                e.toString(), config.failOpen() ? "allowing (hooks.failOpen)" : "refusing");
        return config.failOpen() ? AdmissionDecision.allow(r)
                : AdmissionDecision.deny("the authorisation backend did not answer");
    }

    private static boolean validName(String s) {
        return s.length() <= 256 && s.indexOf('/') < 0 && s.indexOf('?') < 0 && s.chars().noneMatch(Character::isISOControl);
    }
}
