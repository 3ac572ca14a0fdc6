package org.estuary.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

/**
 * The started Vert.x and, when clustered, the Hazelcast instance under it.
 *
 * @param vertx     the Vert.x instance to deploy verticles on
 * @param hazelcast present only when clustered; use it for membership events and IMaps, never for
 *                  anything that must also work embedded
 * @param clustered true when Vert.x joined a Hazelcast cluster
 */
public record ClusterHandle(Vertx vertx, Optional<HazelcastInstance> hazelcast, boolean clustered) {

    /** Closes Vert.x; when clustered this also leaves the cluster (the Hazelcast shutdown hook is off). */
    public Future<Void> close() {
        return vertx.close();
    }
}
