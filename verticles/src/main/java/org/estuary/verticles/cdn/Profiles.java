package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.verticles.agent.Body;
import org.estuary.cluster.CdnException;
import org.estuary.cluster.SharedTable;
import org.estuary.cluster.SharedTables;
import org.estuary.core.control.ApiStatus;

/**
 * Transcoding profiles ({@code /cdn/profile/add|modify|print|remove}), kept in the shared table
 * {@value SharedTables#PROFILES} by name, with WCS's fields. Playing {@code <stream><name>} on an edge (a name
 * starting with "-", e.g. {@code cam-360p}; a name without the dash is played as {@code <stream>-<name>}) makes
 * the CDN run the profile on a transcoder node. Only what the transcoder honours is accepted: a field it would
 * ignore is refused with 400 naming it, so a stored profile always says what the rendition will be.
 */
final class Profiles {
    private static final Set<String> VIDEO_FIELDS = Set.of("type", "codec", "codecImpl", "width", "height", "fps", "gop",
        "bitrate");
    private static final Set<String> AUDIO_FIELDS = Set.of("type", "codec", "rate", "bitrate");

    private final SharedTable table;
    private final Map<String, JsonObject> mirror = new ConcurrentHashMap<>();
    private Runnable stopListening = () -> { };

    Profiles(SharedTables tables) {
        this.table = tables.table(SharedTables.PROFILES);
    }

    Future<Void> start() {
        stopListening = table.listen((name, profile) -> {
            if (profile == null) {
                mirror.remove(name);
            } else {
                mirror.put(name, profile);
            }
        });
        return table.entries().map(all -> {
            all.forEach(mirror::putIfAbsent);
            return null;
        });
    }

    void stop() {
        stopListening.run();
    }

    /** The suffix a player appends to a stream name to get this profile. */
    static String suffix(String profileName) {
        return profileName.startsWith("-") ? profileName : "-" + profileName;
    }

    /** A profile rendition asked for by name: the source stream, the profile's name and fields. */
    record Rendition(String source, String profileName, JsonObject profile) { }

    /**
     * The rendition {@code name} stands for, when it ends in a known profile's suffix after a non-empty source
     * name (the longest suffix wins); from this node's mirror of the table.
     */
    Optional<Rendition> rendition(String name) {
        Rendition best = null;
        for (Map.Entry<String, JsonObject> e : mirror.entrySet()) {
            String suffix = suffix(e.getKey());
            if (name.length() > suffix.length() && name.endsWith(suffix)
                && (best == null || suffix.length() > suffix(best.profileName()).length())) {
                best = new Rendition(name.substring(0, name.length() - suffix.length()), e.getKey(), e.getValue());
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Every profile as a rendition of {@code source} ({@code <source><suffix>}), by profile name; none when
     * {@code source} is itself a rendition (no rendition of a rendition is offered). From this node's mirror.
     */
    java.util.List<JsonObject> renditionsOf(String source) {
        if (source == null || source.isEmpty() || rendition(source).isPresent()) {
            return java.util.List.of();
        }
        java.util.List<JsonObject> out = new java.util.ArrayList<>();
        new TreeMap<>(mirror).forEach((name, profile) -> out.add(new JsonObject().put("stream", source + suffix(name))
            .put("profileName", name).put("profile", profile.copy())));
        return out;
    }

    /** The {@code /transcoder2/startup} encoder fields of a stored profile. */
    static JsonObject encoder(JsonObject profile) {
        JsonObject e = new JsonObject().put("videoCodec", "H264");
        JsonObject v = profile.getJsonObject("video");
        if (v != null) {
            copy(v, "width", e, "width");
            copy(v, "height", e, "height");
            copy(v, "fps", e, "fps");
            copy(v, "gop", e, "keyFrameInterval");
            copy(v, "bitrate", e, "bitrate");
            if ("OPENH264".equals(v.getString("codecImpl"))) {
                e.put("type", "OPENH264");
            }
        }
        JsonObject a = profile.getJsonObject("audio");
        if (a != null) {
            e.put("audioCodec", a.getString("codec"));
            copy(a, "rate", e, "audioRate");
            copy(a, "bitrate", e, "audioBitrate");
        }
        return e;
    }

    private static void copy(JsonObject from, String key, JsonObject to, String as) {
        if (from.getValue(key) != null) {
            to.put(as, from.getValue(key));
        }
    }

    // ------------------------------------------------------------------ REST

    void add(Message<?> m, Body body) {
        Future.succeededFuture(body.json()).compose(b -> {
            String name = name(b);
            JsonObject profile = validate(b.getValue("profile"));
            CdnException exists = new CdnException(ApiStatus.CONFLICT, "Profile already exists: " + name);
            return table.get(name).compose(old -> old != null ? Future.failedFuture(exists)
                : table.putIfAbsent(name, profile).compose(now -> now.equals(profile)
                    ? Future.succeededFuture() : Future.<Void>failedFuture(exists)))
                .onSuccess(v -> mirror.put(name, profile));
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void modify(Message<?> m, Body body) {
        Future.succeededFuture(body.json()).compose(b -> {
            String name = name(b);
            if (!(b.getValue("profile") instanceof JsonObject change)) {
                return Future.failedFuture(bad("profile must be an object with video and/or audio fields"));
            }
            return table.get(name).compose(old -> {
                if (old == null) {
                    return Future.failedFuture(new CdnException(ApiStatus.NOT_FOUND, "Profile not found: " + name));
                }
                JsonObject merged = old.copy();
                for (String part : change.fieldNames()) {
                    Object value = change.getValue(part);
                    if (value instanceof JsonObject fields && merged.getValue(part) instanceof JsonObject existing) {
                        existing.mergeIn(fields);
                    } else {
                        merged.put(part, value);
                    }
                }
                JsonObject profile = validate(merged);
                return table.put(name, profile).onSuccess(v -> mirror.put(name, profile));
            });
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void print(Message<?> m, Body body) {
        JsonObject b = body.json();
        String only = b.getValue("name") instanceof String s && !s.isBlank() ? s : null;
        table.entries().onSuccess(all -> {
            JsonObject out = new JsonObject();
            new TreeMap<>(all).forEach((name, profile) -> {
                if (only == null || only.equals(name)) {
                    out.put(name, profile);
                }
            });
            if (out.isEmpty()) {
                m.fail(ApiStatus.NOT_FOUND, only == null ? "No profiles" : "Profile not found: " + only);
            } else {
                m.reply(out);
            }
        }).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void remove(Message<?> m, Body body) {
        Future.succeededFuture(body.json()).compose(b -> {
            String name = name(b);
            return table.get(name).compose(old -> old == null
                ? Future.failedFuture(new CdnException(ApiStatus.NOT_FOUND, "Profile not found: " + name))
                : table.remove(name).onSuccess(v -> mirror.remove(name)));
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    // ------------------------------------------------------------------ validation

    private static String name(JsonObject b) {
        Object raw = b.getValue("name");
        if (!(raw instanceof String s) || s.isBlank()) {
            throw bad("name is required");
        }
        if (!s.matches("-?[A-Za-z0-9._][A-Za-z0-9._-]{0,63}")) {
            throw bad("name must be letters, digits, . _ - (up to 64), optionally after a leading -, got \"" + s + "\"");
        }
        return s;
    }

    /** The profile in its stored form (with {@code type} fields), or 400 naming the first problem. */
    static JsonObject validate(Object raw) {
        if (!(raw instanceof JsonObject p) || (p.getValue("video") == null && p.getValue("audio") == null)) {
            throw bad("profile must be an object with video and/or audio");
        }
        for (String part : p.fieldNames()) {
            if (!part.equals("video") && !part.equals("audio")) {
                throw bad("profile." + part + " is not supported (video, audio)");
            }
        }
        JsonObject out = new JsonObject();
        if (p.getValue("video") != null) {
            out.put("video", video(p.getValue("video")));
        }
        if (p.getValue("audio") != null) {
            out.put("audio", audio(p.getValue("audio")));
        }
        return out;
    }

    private static JsonObject video(Object raw) {
        if (!(raw instanceof JsonObject v)) {
            throw bad("profile.video must be an object");
        }
        unknown(v, VIDEO_FIELDS, "profile.video");
        type(v, "video");
        JsonObject out = new JsonObject().put("type", "video");
        String codec = text(v, "codec", "h264");
        if (!codec.equalsIgnoreCase("h264")) {
            throw bad("profile.video.codec \"" + codec + "\" is not supported (h264)");
        }
        out.put("codec", "h264");
        String impl = text(v, "codecImpl", "FF").toUpperCase(Locale.ROOT);
        if (!impl.equals("FF") && !impl.equals("OPENH264")) {
            throw bad("profile.video.codecImpl \"" + impl + "\" is not supported (FF, OPENH264)");
        }
        out.put("codecImpl", impl);
        range(v, out, "width", 0, 4096);
        range(v, out, "height", 0, 4096);
        range(v, out, "fps", 1, 120);
        range(v, out, "gop", 1, 3600);
        range(v, out, "bitrate", 0, 100_000);
        for (String size : new String[] {"width", "height"}) {
            Integer s = out.getInteger(size);
            if (s != null && s != 0 && s < 16) {
                throw bad("profile.video." + size + " " + s + " is below 16 pixels (0 = follow the source)");
            }
        }
        return out;
    }

    private static JsonObject audio(Object raw) {
        if (!(raw instanceof JsonObject a)) {
            throw bad("profile.audio must be an object");
        }
        unknown(a, AUDIO_FIELDS, "profile.audio");
        type(a, "audio");
        String codec = text(a, "codec", null);
        if (codec == null) {
            throw bad("profile.audio.codec is required (opus, mpeg4-generic, pcma, pcmu)");
        }
        String normal = switch (codec.toLowerCase(Locale.ROOT)) {
            case "opus" -> "opus";
            case "mpeg4-generic", "aac" -> "mpeg4-generic";
            case "pcma", "alaw" -> "pcma";
            case "pcmu", "ulaw" -> "pcmu";
            default -> throw bad("profile.audio.codec \"" + codec + "\" is not supported (opus, mpeg4-generic, pcma, pcmu)");
        };
        JsonObject out = new JsonObject().put("type", "audio").put("codec", normal);
        range(a, out, "rate", 8000, 96_000);
        range(a, out, "bitrate", 6000, 512_000);
        return out;
    }

    private static void unknown(JsonObject o, Set<String> known, String where) {
        for (String f : o.fieldNames()) {
            if (!known.contains(f)) {
                throw bad(where + "." + f + " is not supported (" + String.join(", ", known.stream().sorted().toList())
                    + ")");
            }
        }
    }

    private static void type(JsonObject o, String expected) {
        Object t = o.getValue("type");
        if (t != null && !expected.equals(t)) {
            throw bad("profile." + expected + ".type must be \"" + expected + "\", got " + t);
        }
    }

    private static String text(JsonObject o, String key, String dflt) {
        Object v = o.getValue(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw bad(key + " must be a non-empty string, got " + v);
        }
        return s.trim();
    }

    private static void range(JsonObject from, JsonObject to, String key, int min, int max) {
        Object v = from.getValue(key);
        if (v == null) {
            return;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
            || n.doubleValue() < min || n.doubleValue() > max) {
            throw bad(key + " must be a whole number in " + min + ".." + max + ", got " + v);
        }
        to.put(key, n.intValue());
    }

    private static CdnException bad(String message) {
        return new CdnException(ApiStatus.BAD_REQUEST, message);
    }
}
