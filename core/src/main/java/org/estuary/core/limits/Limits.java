package org.estuary.core.limits;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.estuary.core.config.LimitsConfig;

/**
 * The node's limits and their refusal counters. One instance per node, shared by every protocol
 * (RTMP verticle instances run on several event loops at once, hence the atomics).
 */
public final class Limits {
    private final LimitsConfig config;
    private final Map<Limit, LongAdder> refusals = new EnumMap<>(Limit.class);
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openByAddress = new ConcurrentHashMap<>();
    private final RateWindow connectionRate;
    private final RateWindow restRate;

    public Limits(LimitsConfig config) {
        this(config, System::currentTimeMillis);
    }

    Limits(LimitsConfig config, LongSupplier clockMs) {
        this.config = config;
        for (Limit l : Limit.values()) {
            refusals.put(l, new LongAdder());
        }
        this.connectionRate = new RateWindow(clockMs);
        this.restRate = new RateWindow(clockMs);
    }

    /** No limit at all (tests and components deployed without a node). */
    public static Limits none() {
        return new Limits(new LimitsConfig(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** A connection held against the limits; {@link #release()} it once, when the connection closes. */
    public final class Permit {
        private final String address;
        private boolean released;

        private Permit(String address) {
            this.address = address;
        }

        /** Frees the connection's place; further calls do nothing. */
        public void release() {
            synchronized (this) { // not the media path: once per connection
                if (released) {
                    return;
                }
                released = true;
            }
            releaseOne(address);
        }
    }

    /**
     * Asks for a new client connection from {@code address}: a {@link Permit} to release when it
     * closes, or the refusal (already counted).
     */
    public Result<Permit> openConnection(String address) {
        if (positive(config.newConnectionsPerSecondPerAddress())
                && !connectionRate.tryCount(address, config.newConnectionsPerSecondPerAddress())) {
            return Result.refused(refuse(Limit.CONNECTION_RATE_PER_ADDRESS, config.newConnectionsPerSecondPerAddress()));
        }
        if (positive(config.maxConnections()) && open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            return Result.refused(refuse(Limit.CONNECTIONS, config.maxConnections()));
        } else if (!positive(config.maxConnections())) {
            open.incrementAndGet();
        }
        int mine = openByAddress.merge(address, 1, Integer::sum);
        if (positive(config.maxConnectionsPerAddress()) && mine > config.maxConnectionsPerAddress()) {
            releaseOne(address);
            return Result.refused(refuse(Limit.CONNECTIONS_PER_ADDRESS, config.maxConnectionsPerAddress()));
        }
        return Result.ok(new Permit(address));
    }

    /** Counts one REST request from {@code address}; the refusal when it is past the rate. */
    public Optional<Refusal> restRequest(String address) {
        int max = config.restRequestsPerSecondPerAddress();
        if (positive(max) && !restRate.tryCount(address, max)) {
            return Optional.of(refuse(Limit.REST_RATE_PER_ADDRESS, max));
        }
        return Optional.empty();
    }

    /** Whether one more RTMP stream fits a connection already holding {@code held}. */
    public Optional<Refusal> stream(int held) {
        return below(Limit.STREAMS_PER_CONNECTION, config.maxStreamsPerConnection(), held);
    }

    /** Whether one more agent of {@code kind} (an agent limit such as {@link Limit#PULL_AGENTS}) may start. */
    public Optional<Refusal> agent(Limit kind, int running) {
        int max = switch (kind) {
            case RTSP_AGENTS -> config.maxRtspAgents();
            case PULL_AGENTS -> config.maxPullAgents();
            case PUSH_AGENTS -> config.maxPushAgents();
            case VOD_AGENTS -> config.maxVodAgents();
            case MPEGTS_AGENTS -> config.maxMpegTsAgents();
            case TRANSCODERS -> config.maxTranscoders();
            case MIXERS -> config.maxMixers();
            case RECORDERS -> config.maxRecorders();
            default -> throw new IllegalArgumentException(kind + " is not an agent limit");
        };
        return below(kind, max, running);
    }

    private void releaseOne(String address) {
        open.decrementAndGet();
        openByAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Client connections currently held. */
    public int openConnections() {
        return open.get();
    }

    /** Refusals so far, by limit (every limit listed, zeros included). */
    public Map<Limit, Long> refusals() {
        Map<Limit, Long> out = new EnumMap<>(Limit.class);
        refusals.forEach((l, n) -> out.put(l, n.sum()));
        return out;
    }

    private Optional<Refusal> below(Limit limit, int max, int current) {
        if (positive(max) && current >= max) {
            return Optional.of(refuse(limit, max));
        }
        return Optional.empty();
    }

    private Refusal refuse(Limit limit, long max) {
        refusals.get(limit).increment();
        return new Refusal(limit, max);
    }

    private static boolean positive(int max) {
        return max > 0;
    }

    /** A permit or the refusal that replaced it. */
    public record Result<T>(T value, Refusal refusal) {
        static <T> Result<T> ok(T value) {
            return new Result<>(value, null);
        }

        static <T> Result<T> refused(Refusal refusal) {
            return new Result<>(null, refusal);
        }

        public boolean allowed() {
            return refusal == null;
        }
    }
}
