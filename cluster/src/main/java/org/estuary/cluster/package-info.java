/**
 * Starting Vert.x as one embedded node or clustered over Hazelcast ({@link org.estuary.cluster.ClusterBootstrap}),
 * node identity ({@link org.estuary.cluster.NodeIdentity}) and the directory of nodes behind the REST method
 * {@code /cdn/show_nodes} ({@link org.estuary.cluster.NodeDirectory}, {@link org.estuary.cluster.NodeDirectoryVerticle}).
 *
 * <p>Everything here programs against Vert.x {@code SharedData} and the event bus, so the same code runs
 * embedded and clustered; direct Hazelcast use is optional and only adds faster cleanup of dead nodes.
 */
package org.estuary.cluster;
