package org.estuary.verticles.hls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.core.control.Addresses;
import org.estuary.core.hls.HlsSegmenter;
import org.estuary.core.hls.PlaylistWriter;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adaptive-bitrate HLS on one node, WCS's way: {@code <name>-HLS-ABR-STREAM/<name>-HLS-ABR-STREAM.m3u8} is a
 * master playlist of {@code <name>}. Its first request starts one {@code /transcoder2} transcoder per ladder
 * profile ({@code hls.abrProfiles}, no upscaling) publishing {@code <name>-<height>p}, each with key frames at
 * the same media times ({@code keyFrameAlignMs} = the segment duration), and an HLS agent per rendition that
 * numbers its segments by media time: the same segment has the same media sequence number and start in every
 * variant, so players switch cleanly. The set stops (agents, transcoders, their streams) on
 * {@code /hls/terminate} of the ABR name or once nobody fetched from it for {@code hls.idleTimeoutMs}.
 * Transcoders are driven over the local event bus (no import of the transcoder package). Runs on the HLS
 * verticle's event loop.
 */
final class HlsAbr {
    private static final Logger LOG = LoggerFactory.getLogger(HlsAbr.class);
    static final String SUFFIX = "-HLS-ABR-STREAM";
    private static final String STARTUP = Addresses.api("/transcoder2/startup");
    private static final String TERMINATE = Addresses.api("/transcoder2/terminate");

    /** A ladder entry of {@code hls.abrProfiles}: {@code <height>:<kbit/s>[:<fps>]}. */
    record Profile(int height, int kbps, int fps) {
        static Profile parse(String entry) {
            String[] f = entry.split(":");
            return new Profile(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f.length > 2 ? Integer.parseInt(f[2]) : 0);
        }
    }

    /** One rendition: its profile (height possibly capped to the source), stream name and transcoder uri. */
    record Variant(Profile profile, String stream, String transcoderUri) { }

    /** The renditions of one source. */
    private static final class AbrSet {
        final String source;
        final List<Variant> variants = new ArrayList<>();
        final Promise<Void> started = Promise.promise();
        long lastRequestMs = System.currentTimeMillis();
        boolean stopped;

        AbrSet(String source) {
            this.source = source;
        }
    }

    private final HlsServerVerticle server;
    private final Vertx vertx;
    private final StreamRegistry streams;
    private final List<Profile> ladder;
    private final int segmentMs;
    private final Map<String, AbrSet> sets = new LinkedHashMap<>();
    /** Variant stream name → its set's source; read by the admission chain from any thread. */
    private final Map<String, String> variantOf = new ConcurrentHashMap<>();

    HlsAbr(HlsServerVerticle server, Vertx vertx, StreamRegistry streams, List<String> profiles, int segmentSec) {
        this.server = server;
        this.vertx = vertx;
        this.streams = streams;
        this.ladder = profiles.stream().map(Profile::parse).sorted(Comparator.comparingInt(Profile::height).reversed())
                .toList();
        this.segmentMs = segmentSec * 1000;
    }

    /** The source of an ABR name ({@code <source>-HLS-ABR-STREAM}), or null for any other name. */
    static String sourceOf(String name) {
        return name != null && name.endsWith(SUFFIX) && name.length() > SUFFIX.length()
                ? name.substring(0, name.length() - SUFFIX.length()) : null;
    }

    /** Any thread: the source of a rendition of a running (or starting) set, else null. */
    String sourceOfVariant(String stream) {
        return variantOf.get(stream);
    }

    /** True when {@code stream} is a rendition of a running set (its agent numbers segments by media time). */
    boolean isVariant(String stream) {
        return variantOf.containsKey(stream);
    }

    /** The ladder for a source {@code sourceHeight} tall: the profiles not taller, else the smallest at the source's height. */
    List<Profile> ladderFor(int sourceHeight) {
        return ladderFor(ladder, sourceHeight);
    }

    /** {@code ladder} tallest first. */
    static List<Profile> ladderFor(List<Profile> ladder, int sourceHeight) {
        List<Profile> out = new ArrayList<>();
        for (Profile p : ladder) {
            if (p.height() <= sourceHeight && out.stream().noneMatch(o -> o.height() == p.height())) {
                out.add(p);
            }
        }
        if (out.isEmpty() && !ladder.isEmpty()) {
            Profile min = ladder.get(ladder.size() - 1);
            out.add(new Profile(sourceHeight & ~1, min.kbps(), min.fps()));
        }
        return out;
    }

    /** Starts (or finds) the set of {@code source}; fails when the source is not published. */
    Future<Void> start(String source) {
        AbrSet set = sets.get(source);
        if (set != null) {
            set.lastRequestMs = System.currentTimeMillis();
            return set.started.future();
        }
        if (streams.find(source).isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("Stream not found: " + source));
        }
        AbrSet s = new AbrSet(source);
        sets.put(source, s);
        withVideo(source).compose(height -> startTranscoders(s, height)).onComplete(ar -> {
            if (ar.failed() || s.stopped) {
                LOG.warn("ABR HLS of {} not started: {}", source, ar.failed() ? ar.cause().getMessage() : "stopped");
                stop(source);
                s.started.tryFail(ar.failed() ? ar.cause() : new IllegalStateException("stopped"));
                return;
            }
            for (Variant v : s.variants) {
                server.startAgent(v.stream()).markUsed();
            }
            LOG.info("ABR HLS of {}: {}", source, s.variants.stream().map(Variant::stream).toList());
            s.started.tryComplete();
        });
        return s.started.future();
    }

    private Future<Void> startTranscoders(AbrSet s, int height) {
        List<Future<?>> all = new ArrayList<>();
        for (Profile p : ladderFor(height)) {
            String name = s.source + "-" + p.height() + "p";
            String uri = "transcoder2://hls-abr-" + (s.source + "-" + p.height()).replaceAll("[^A-Za-z0-9._-]", "_");
            if (uri.length() > "transcoder2://".length() + 64) {
                uri = "transcoder2://hls-abr-" + Integer.toHexString(name.hashCode()) + "-" + p.height();
            }
            JsonObject encoder = new JsonObject().put("videoCodec", "H264").put("height", p.height())
                    .put("bitrate", p.kbps()).put("keyFrameAlignMs", segmentMs);
            if (p.fps() > 0) {
                encoder.put("fps", p.fps());
            }
            JsonObject body = new JsonObject().put("uri", uri).put("remoteStreamName", s.source)
                    .put("localStreamName", name).put("encoder", encoder);
            Variant v = new Variant(p, name, uri);
            s.variants.add(v);
            variantOf.put(name, s.source);
            all.add(vertx.eventBus().request(STARTUP, body, new DeliveryOptions().setLocalOnly(true)
                    .setSendTimeout(server.blockingWaitMs())));
        }
        return Future.all(all).mapEmpty();
    }

    /** Completes with the source's picture height once it has video (the ladder depends on it). */
    private Future<Integer> withVideo(String source) {
        Promise<Integer> done = Promise.promise();
        long until = System.currentTimeMillis() + server.blockingWaitMs();
        vertx.setPeriodic(0, 100, id -> {
            Optional<Stream> s = streams.find(source);
            if (s.isPresent() && s.get().description().hasVideo() && s.get().description().height() > 0) {
                vertx.cancelTimer(id);
                done.tryComplete(s.get().description().height());
            } else if (s.isEmpty() || System.currentTimeMillis() > until) {
                vertx.cancelTimer(id);
                done.tryFail(s.isEmpty() ? "Stream not found: " + source : "no video of " + source + " yet");
            }
        });
        return done.future();
    }

    /**
     * The master playlist of {@code source}, once every rendition has started (or the wait ran out and
     * some have): variants tallest first with BANDWIDTH (the larger of the measured and the profile's
     * rate), RESOLUTION and CODECS. {@code query} (e.g. an aclAuth token) is repeated on each variant URI.
     * Null when no rendition has started in time.
     */
    Future<String> master(String source, String query, boolean lowLatency) {
        return start(source).compose(v -> {
            AbrSet s = sets.get(source);
            Promise<String> body = Promise.promise();
            long until = System.currentTimeMillis() + server.blockingWaitMs();
            vertx.setPeriodic(0, 100, id -> {
                boolean all = s.variants.stream().allMatch(x -> hasContent(x.stream()));
                if (all || System.currentTimeMillis() > until || s.stopped) {
                    vertx.cancelTimer(id);
                    body.complete(render(s, query, lowLatency));
                }
            });
            return body.future();
        });
    }

    /**
     * The rendition's agent knows its size and codecs (from its first key frame on). Its first segment
     * may still be open: the variant's own first playlist request waits for it, as for any agent.
     */
    private boolean hasContent(String stream) {
        HlsAgent a = server.agent(stream);
        return a != null && a.segmenter().height() > 0 && !a.segmenter().codecs().isEmpty();
    }

    private String render(AbrSet s, String query, boolean lowLatency) {
        s.lastRequestMs = System.currentTimeMillis();
        List<PlaylistWriter.Variant> list = new ArrayList<>();
        for (Variant v : s.variants) {
            HlsAgent a = server.agent(v.stream());
            if (a == null || !hasContent(v.stream())) {
                continue;
            }
            a.markUsed();
            HlsSegmenter seg = a.segmenter();
            long bandwidth = Math.max(seg.bandwidthEstimate(a.store()::size), v.profile().kbps() * 1000L);
            String part = HlsServerVerticle.urlPart(v.stream());
            String uri = "../" + part + "/" + part + ".m3u8" + (query == null || query.isEmpty() ? "" : "?" + query);
            list.add(new PlaylistWriter.Variant(uri, bandwidth, seg.width(), seg.height(), seg.codecs()));
        }
        return list.isEmpty() ? null : PlaylistWriter.master(list, lowLatency);
    }

    /** Stops the set of {@code source}: its agents and transcoders (which unpublish their streams). */
    boolean stop(String source) {
        return stop(source, true);
    }

    private boolean stop(String source, boolean terminateTranscoders) {
        AbrSet s = sets.remove(source);
        if (s == null) {
            return false;
        }
        s.stopped = true;
        for (Variant v : s.variants) {
            variantOf.remove(v.stream());
            server.stopAgent(v.stream());
            if (!terminateTranscoders) {
                continue;
            }
            vertx.eventBus().request(TERMINATE, new JsonObject().put("uri", v.transcoderUri()),
                            new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
                    .onFailure(e -> LOG.debug("ABR transcoder {} already gone: {}", v.transcoderUri(), e.getMessage()));
        }
        LOG.info("ABR HLS of {} stopped", source);
        return true;
    }

    /** Stops sets whose master and renditions nobody fetched for {@code idleMs} (0 = never). */
    void sweep(long now, long idleMs) {
        if (idleMs <= 0) {
            return;
        }
        for (AbrSet s : List.copyOf(sets.values())) {
            boolean idle = now - s.lastRequestMs >= idleMs && s.started.future().isComplete();
            for (Variant v : s.variants) {
                HlsAgent a = server.agent(v.stream());
                if (a != null && (!a.subscribers().isEmpty() || now - a.lastRequestMs() < idleMs)) {
                    idle = false;
                }
            }
            if (idle) {
                LOG.info("ABR HLS of {}: nobody fetched for {} ms", s.source, now - s.lastRequestMs);
                stop(s.source);
            }
        }
    }

    /** Stops every set (server shutdown: the transcoder verticle stops its transcoders itself). */
    void close() {
        for (String source : List.copyOf(sets.keySet())) {
            stop(source, false);
        }
    }

    /** Sources with a running set. */
    List<String> sources() {
        return List.copyOf(sets.keySet());
    }
}
