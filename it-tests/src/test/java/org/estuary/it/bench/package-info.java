/**
 * Benchmarks (JUnit tag {@code benchmark}, Maven profile {@code -Pbenchmark}): not timed tests,
 * they measure and print. {@link org.estuary.it.bench.RtmpLoadClient} is a standalone RTMP load
 * client run in its own JVM so its CPU is never counted as the server's;
 * {@link org.estuary.it.bench.RtmpFanoutBenchmark} drives it against Estuary and nginx-rtmp.
 */
package org.estuary.it.bench;
