package org.estuary.verticles.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.slf4j.Logger;

/**
 * Registers a feature verticle's REST methods on the event bus. Each handler gets the message and
 * its {@link Body}; a {@link ControlError} it throws becomes the answer's status, any other
 * runtime exception a logged 500, so no handler repeats the try/catch.
 *
 * <pre>{@code
 * Control api = new Control(vertx, LOG);
 * api.on("/pull/rtmp/pull", this::pull);
 * return api.ready();
 * }</pre>
 */
public final class Control {
    private final Vertx vertx;
    private final Logger log;
    private final List<Future<Void>> registrations = new ArrayList<>();

    public Control(Vertx vertx, Logger log) {
        this.vertx = vertx;
        this.log = log;
    }

    /** Serves REST method {@code path} (e.g. {@code "/pull/rtmp/pull"}) with {@code handler}. */
    public Control on(String path, BiConsumer<Message<JsonObject>, Body> handler) {
        return serve(Addresses.api(path), path, handler);
    }

    /**
     * Serves a request-reply address that is not a REST method (e.g. a per-node address another
     * node's verticle forwards a request to) with the same error handling as {@link #on}.
     */
    public Control at(String address, BiConsumer<Message<JsonObject>, Body> handler) {
        return serve(address, address, handler);
    }

    private Control serve(String address, String name, BiConsumer<Message<JsonObject>, Body> handler) {
        registrations.add(vertx.eventBus().<JsonObject>consumer(address, m -> {
            try {
                handler.accept(m, Body.of(m));
            } catch (ControlError e) {
                m.fail(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("{} failed", name, e);
                m.fail(ApiStatus.INTERNAL, name + " failed: " + e.getMessage());
            }
        }).completion());
        return this;
    }

    /** Completes when every consumer is registered (the verticle's start result). */
    public Future<Void> ready() {
        return Future.all(registrations).mapEmpty();
    }
}
