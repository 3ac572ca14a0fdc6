package org.estuary.it.bench;

import io.vertx.core.json.JsonObject;

/**
 * What one server delivered to N players in one measurement window.
 *
 * @param server         "estuary" or "nginx-rtmp"
 * @param players        N
 * @param cpu            server CPU (user and system, all its processes) during the window
 * @param clientCpuSeconds the load client's own CPU over its whole life, as it reported (not counted above)
 * @param rssIdleKb      server RSS with the publisher and no player
 * @param rssLoadedKb    server RSS at the end of the window, N players connected
 * @param summary        the load client's JSON summary
 */
record FanoutRun(String server, int players, ProcStats.Cpu cpu, double clientCpuSeconds,
                 long rssIdleKb, long rssLoadedKb, JsonObject summary) {

    long bytes() {
        return summary.getLong("bytes", 0L);
    }

    double gigabytes() {
        return bytes() / 1e9;
    }

    double cpuSecondsPerGb() {
        return bytes() == 0 ? Double.NaN : cpu.total() / gigabytes();
    }

    int full() {
        return summary.getInteger("full", 0);
    }

    double kbPerPlayer() {
        return (rssLoadedKb - rssIdleKb) / (double) players;
    }
}
