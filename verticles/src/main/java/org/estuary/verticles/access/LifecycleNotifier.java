package org.estuary.verticles.access;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.estuary.core.config.HooksConfig;
import org.estuary.core.control.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the backend ({@code hooks.onEvent}) about stream lifecycle: published, unpublished, failed
 * (from {@link Addresses#STREAM_EVENTS}) and recordingFinished with the file name (from
 * {@link Addresses#RECORDING_EVENTS}). Fire and forget: a slow or dead backend is logged, never
 * waited for.
 */
public final class LifecycleNotifier extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleNotifier.class);

    private final HooksConfig config;
    private HttpClient client;

    public LifecycleNotifier(HooksConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) config.timeoutMs()));
        var bus = vertx.eventBus();
        return Future.all(
                bus.<JsonObject>localConsumer(Addresses.STREAM_EVENTS, m -> send(m.body())).completion(),
                bus.<JsonObject>localConsumer(Addresses.RECORDING_EVENTS, m -> send(m.body())).completion());
    }

    private void send(JsonObject event) {
        if (event == null) {
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.onEvent())
                        .putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(event.toBuffer()))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
                .onSuccess(status -> {
                    if (status / 100 != 2) {
                        LOG.warn("event hook {} answered HTTP {} to {}", config.onEvent(), status, event.getString("event"));
                    }
                })
                .onFailure(e -> LOG.warn("event hook {} failed for {} {}: {}", config.onEvent(), event.getString("event"),
                        event.getString("name"), e.toString()));
    }

    @Override
    public Future<?> stop() {
        return client == null ? Future.succeededFuture() : client.close();
    }
}
