package org.estuary.cluster;

import java.lang.management.ManagementFactory;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;

/** Measures a node's load figures, refreshed into the node map every few seconds. */
public interface LoadProbe {

    /** One sample. */
    record Load(int cpuPercent, int streams, int players, int transcoders) { }

    Load sample();

    /** No load at all: for directories that serve no media (tests, tools). */
    LoadProbe NONE = () -> new Load(0, 0, 0, 0);

    /**
     * The load of a media node: CPU used by this server process (not the whole machine, which other programs
     * share), its published streams, its players and the streams its transcoders publish.
     */
    static LoadProbe of(StreamRegistry streams) {
        return () -> {
            int transcoders = 0;
            int published = 0;
            for (Stream s : streams.streams()) {
                if (s.isEnded()) {
                    continue;
                }
                published++;
                if ("Transcoder".equals(s.publisher().mediaProvider())) {
                    transcoders++;
                }
            }
            int players = (int) streams.readers().stream().filter(r -> r.info().player()).count();
            return new Load(processCpuPercent(), published, players, transcoders);
        };
    }

    private static int processCpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : (int) Math.round(load * 100);
        }
        return 0;
    }
}
