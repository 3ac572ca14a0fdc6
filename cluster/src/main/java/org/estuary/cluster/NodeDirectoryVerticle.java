package org.estuary.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;

import java.util.Optional;

/**
 * Runs this node's {@link NodeDirectory} and serves the REST method {@code /cdn/show_nodes} and the
 * cluster ping {@link Addresses#NODE_PING}.
 *
 * <p>Every node deploys one. In cluster mode a request to these addresses may therefore be answered by
 * any node: for show_nodes that is harmless (every node reports the whole cluster), for the ping it is
 * the point (the reply's {@code nodeId} shows which node answered).
 */
public final class NodeDirectoryVerticle extends VerticleBase {

    /** Address of the REST method {@code /cdn/show_nodes}. */
    public static final String SHOW_NODES = Addresses.api("/cdn/show_nodes");

    private final NodeIdentity identity;
    private final Optional<HazelcastInstance> hazelcast;
    private final String version;
    private NodeDirectory directory;

    /** @param version reported in each node's info; null takes the jar manifest version */
    public NodeDirectoryVerticle(NodeIdentity identity, Optional<HazelcastInstance> hazelcast, String version) {
        this.identity = identity;
        this.hazelcast = hazelcast;
        this.version = version;
    }

    public NodeDirectoryVerticle(NodeIdentity identity, Optional<HazelcastInstance> hazelcast) {
        this(identity, hazelcast, null);
    }

    /** The running directory; null before start. */
    public NodeDirectory directory() {
        return directory;
    }

    @Override
    public Future<?> start() {
        directory = version == null
            ? new NodeDirectory(vertx, identity, hazelcast)
            : new NodeDirectory(vertx, identity, hazelcast, version);
        return directory.start().compose(v -> Future.all(
            vertx.eventBus().consumer(SHOW_NODES, this::showNodes).completion(),
            vertx.eventBus().consumer(Addresses.NODE_PING,
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
}
