/** Vert.x clustering with Hazelcast, node identity and the CDN state maps. */
package org.estuary.cluster;
