/**
 * Benchmarks (JUnit tag {@code benchmark}, Maven profile {@code -Pbenchmark}): not timed tests,
 * they measure and print. {@link org.estuary.it.bench.RtmpLoadClient} is a standalone RTMP load
 * client run in its own JVM so its CPU is never counted as the server's;
 * {@link org.estuary.it.bench.RtmpFanoutBenchmark} drives it against Estuary and nginx-rtmp.
 * Each benchmark runs Estuary and a peer doing the same work in the same run, prints the ratio
 * Estuary / peer and appends a section to docs/benchmarks.md ({@link org.estuary.it.bench.BenchSupport}):
 * {@link org.estuary.it.bench.TransponderBenchmark} (RTMP push and sound_on vs ffmpeg relays),
 * {@link org.estuary.it.bench.RecordingBenchmark} (MP4 recording vs ffmpeg recorders) and
 * {@link org.estuary.it.bench.HlsBenchmark} (HLS serving vs nginx on the same files, with the
 * in-JVM {@link org.estuary.it.bench.HlsLoadClient} and {@link org.estuary.it.bench.NginxStatic}).
 */
package org.estuary.it.bench;
