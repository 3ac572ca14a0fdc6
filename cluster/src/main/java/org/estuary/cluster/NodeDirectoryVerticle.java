package org.estuary.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;

/**
 * Runs this node's {@link NodeDirectory} and serves the REST methods {@code /cdn/show_nodes},
 * {@code /cdn/show_state}, {@code /cdn/enforce_state} and the cluster ping {@link Addresses#NODE_PING}.
 *
 * <p>Every node deploys one. REST requests are delivered local-only, so each node answers about itself
 * (show_state, enforce_state) or about the whole cluster from the shared table (show_nodes). The ping may be
 * answered by any node: the reply's {@code nodeId} shows which one did.
 */
public final class NodeDirectoryVerticle extends VerticleBase {

    /** Address of the REST method {@code /cdn/show_nodes}. */
    public static final String SHOW_NODES = Addresses.api("/cdn/show_nodes");
    public static final String SHOW_STATE = Addresses.api("/cdn/show_state");
    public static final String ENFORCE_STATE = Addresses.api("/cdn/enforce_state");

    private final NodeIdentity identity;
    private final Optional<HazelcastInstance> hazelcast;
    private final NodeDirectory.Settings settings;
    private SharedTables tables;
    private NodeDirectory directory;

    public NodeDirectoryVerticle(NodeIdentity identity, Optional<HazelcastInstance> hazelcast,
                                 NodeDirectory.Settings settings) {
        this.identity = identity;
        this.hazelcast = hazelcast;
        this.settings = settings;
    }

    /** @param version reported in each node's info; null takes the jar manifest version */
    public NodeDirectoryVerticle(NodeIdentity identity, Optional<HazelcastInstance> hazelcast, String version) {
        this(identity, hazelcast, NodeDirectory.Settings.defaults(version == null ? NodeDirectory.defaultVersion() : version));
    }

    public NodeDirectoryVerticle(NodeIdentity identity, Optional<HazelcastInstance> hazelcast) {
        this(identity, hazelcast, (String) null);
    }

    /** The running directory; null before start. */
    public NodeDirectory directory() {
        return directory;
    }

    /** The shared tables of this node; null before start. */
    public SharedTables tables() {
        return tables;
    }

    @Override
    public Future<?> start() {
        tables = new SharedTables(vertx, hazelcast);
        var bus = vertx.eventBus();
        return tables.prepare().compose(ready -> {
            directory = new NodeDirectory(vertx, identity, tables, settings);
            return directory.start();
        }).compose(v -> Future.all(
            bus.consumer(SHOW_NODES, this::showNodes).completion(),
            bus.consumer(SHOW_STATE, m -> m.reply(directory.state())).completion(),
            bus.<Object>consumer(ENFORCE_STATE, this::enforceState).completion(),
            bus.consumer(Addresses.NODE_PING,
                message -> message.reply(new JsonObject().put("nodeId", identity.nodeId()))).completion()));
    }

    @Override
    public Future<?> stop() {
        // Our consumers are unregistered by the undeploy itself; the directory entry is not.
        return directory == null ? Future.succeededFuture() : directory.stop();
    }

    private void showNodes(Message<Object> message) {
        directory.showNodes()
            .onSuccess(message::reply)
            .onFailure(e -> message.fail(ApiStatus.INTERNAL, "Could not list nodes: " + e.getMessage()));
    }

    private void enforceState(Message<Object> message) {
        String state = message.body() instanceof JsonObject body && body.getValue("state") != null
            ? String.valueOf(body.getValue("state")) : null;
        try {
            message.reply(directory.enforce(state));
        } catch (CdnException e) {
            message.fail(e.status(), e.getMessage());
        }
    }
}
