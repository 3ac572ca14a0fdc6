package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.estuary.cluster.NodeDirectory;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests about streams on other nodes ({@code /stream/find}, {@code /stream/terminate}). A node's own
 * method answers from the node; when it finds nothing there it asks {@link Addresses#elsewhere}, served here:
 * the same request body goes to every other live node's {@link Addresses#onNode} address over the clustered
 * bus, where this class hands it to that node's own method marked {@link Addresses#FORWARDED} (so it answers
 * from itself alone and never forwards again). {@code find} answers every node's matches together;
 * {@code terminate} succeeds when any node terminated something. 404 when no node had anything.
 */
final class ClusterRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRequests.class);
    /** Paths answered across nodes; every other method stays node-local, as in WCS. */
    static final List<String> PATHS = List.of("/stream/find", "/stream/terminate");
    /** A node that does not answer within this long counts as having nothing (it may be dying). */
    private static final long NODE_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final NodeDirectory directory;
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

    ClusterRequests(Vertx vertx, NodeDirectory directory) {
        this.vertx = vertx;
        this.directory = directory;
    }

    Future<Void> start() {
        String self = directory.identity().nodeId();
        List<Future<Void>> regs = new ArrayList<>();
        for (String path : PATHS) {
            MessageConsumer<Object> fromOthers = vertx.eventBus().consumer(Addresses.onNode(self, path), m -> answerHere(path, m));
            MessageConsumer<Object> toOthers = vertx.eventBus().localConsumer(Addresses.elsewhere(path), m -> askOthers(path, m));
            consumers.add(fromOthers);
            consumers.add(toOthers);
            regs.add(fromOthers.completion());
            regs.add(toOthers.completion());
        }
        return Future.all(regs).mapEmpty();
    }

    void stop() {
        consumers.forEach(MessageConsumer::unregister);
    }

    /** Another node's request: this node's own method answers it, from this node alone. */
    private void answerHere(String path, Message<Object> m) {
        DeliveryOptions local = new DeliveryOptions().setLocalOnly(true).setSendTimeout(NODE_TIMEOUT_MS)
            .addHeader(Addresses.FORWARDED, "true");
        vertx.eventBus().request(Addresses.api(path), m.body(), local)
            .onSuccess(reply -> m.reply(reply.body()))
            .onFailure(e -> {
                if (e instanceof ReplyException r && r.failureCode() > 0) {
                    m.fail(r.failureCode(), r.getMessage());
                } else {
                    m.fail(ApiStatus.INTERNAL, String.valueOf(e.getMessage()));
                }
            });
    }

    /** This node found nothing: every other live node is asked the same. */
    private void askOthers(String path, Message<Object> m) {
        String self = directory.identity().nodeId();
        directory.liveEntries().onSuccess(nodes -> {
            List<String> others = nodes.stream().map(n -> n.getString("nodeId")).filter(id -> id != null && !id.equals(self)).toList();
            List<Future<Object>> answers = new ArrayList<>();
            for (String node : others) {
                answers.add(vertx.eventBus().request(Addresses.onNode(node, path), m.body(),
                        new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MS))
                    .map(reply -> reply.body() == null ? (Object) Boolean.TRUE : reply.body())
                    .recover(e -> {
                        if (!(e instanceof ReplyException r && r.failureCode() == ApiStatus.NOT_FOUND)) {
                            LOG.info("{} not answered by node {}: {}", path, node, e.getMessage());
                        }
                        return Future.succeededFuture(null);
                    }));
            }
            Future.join(answers).onComplete(done -> {
                JsonArray found = new JsonArray();
                boolean any = false;
                for (Future<Object> a : answers) {
                    Object body = a.result();
                    if (body != null) {
                        any = true;
                        if (body instanceof JsonArray arr) {
                            found.addAll(arr);
                        }
                    }
                }
                if (!any) {
                    m.fail(ApiStatus.NOT_FOUND, "not found on " + others.size() + " other node(s)");
                } else if (path.endsWith("/find")) {
                    m.reply(found);
                } else {
                    m.reply(null);
                }
            });
        }).onFailure(e -> m.fail(ApiStatus.INTERNAL, "Could not list nodes: " + e.getMessage()));
    }
}
