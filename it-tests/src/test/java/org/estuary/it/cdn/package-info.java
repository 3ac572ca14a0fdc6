/** Cluster/CDN tests: several server JVMs on loopback in one Hazelcast cluster (origins, edges), real ffmpeg peers. */
package org.estuary.it.cdn;
