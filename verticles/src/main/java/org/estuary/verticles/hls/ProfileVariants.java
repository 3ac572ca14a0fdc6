package org.estuary.verticles.hls;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.estuary.core.hls.PlaylistWriter;
import org.estuary.core.media.OutputSize;

/**
 * The variants of a stream's master playlist ({@code /<stream>/master.m3u8}) for the CDN's transcoding profiles
 * (issue 11): the stream itself first, then one variant per profile that applies to it, tallest first, each a
 * media playlist of the rendition {@code <stream><profile suffix>}. A player fetching one makes the node play
 * that rendition as an RTMP player of it would (a transcoder node makes it once for every node); it stops when
 * nobody fetches it (the HLS agent's idle timeout, then the CDN's relay and rendition linger).
 *
 * <p>A profile applies when it has video (H.264), its audio, if it sets any, is AAC (the codec an HLS segment
 * carries; with no audio section the source's audio is passed through), and its picture, computed as the
 * transcoder does (a side of 0 follows the source, aspect kept), is no larger than the source's in either
 * dimension: no upscaled variant. RESOLUTION is that picture; BANDWIDTH the profile's video plus audio bit
 * rate (the source's rate scaled by area when the profile sets none), or the measured rate of a rendition
 * already segmented here when larger; CODECS only once known from such a rendition (which encoder, so which
 * H.264 profile and level, is the transcoder node's choice).
 */
final class ProfileVariants {
    private ProfileVariants() { }

    /** What this node measured of a rendition it segments already. */
    record Measured(int width, int height, String codecs, long bandwidth) { }

    /**
     * @param stream     the master's stream
     * @param renditions the CDN's answer: {@code [{stream, profileName, profile}]}
     * @param source     the stream's own variant (its uri, measured size, bandwidth and codecs)
     * @param query      the master request's query (an access key), repeated on each rendition's uri; may be null
     * @param measured   a rendition's figures when this node segments it already, else null
     */
    static List<PlaylistWriter.Variant> variants(PlaylistWriter.Variant source, JsonArray renditions, String query,
                                                 Function<String, Measured> measured) {
        List<PlaylistWriter.Variant> out = new ArrayList<>();
        out.add(source);
        if (renditions == null || source.width() <= 0 || source.height() <= 0) {
            return out;
        }
        List<PlaylistWriter.Variant> more = new ArrayList<>();
        for (Object o : renditions) {
            if (!(o instanceof JsonObject r) || !(r.getValue("stream") instanceof String name)
                || !(r.getValue("profile") instanceof JsonObject profile) || !HlsPath.validName(name)) {
                continue;
            }
            PlaylistWriter.Variant v = variant(name, profile, source, query, measured.apply(name));
            if (v != null) {
                more.add(v);
            }
        }
        more.sort(Comparator.comparingInt(PlaylistWriter.Variant::height).reversed()
            .thenComparing(Comparator.comparingLong(PlaylistWriter.Variant::bandwidth).reversed()));
        out.addAll(more);
        return out;
    }

    /** The variant of one profile, or null when it does not apply to the source. */
    static PlaylistWriter.Variant variant(String name, JsonObject profile, PlaylistWriter.Variant source, String query,
                                          Measured measured) {
        if (!(profile.getValue("video") instanceof JsonObject video)) {
            return null; // audio-only profiles: not an alternative picture of the stream
        }
        JsonObject audio = profile.getValue("audio") instanceof JsonObject a ? a : null;
        if (audio != null && !"mpeg4-generic".equals(audio.getString("codec"))) {
            return null; // Opus or G.711 in an MPEG-TS segment: no HLS player would play it
        }
        int[] size = OutputSize.of(intOf(video, "width"), intOf(video, "height"), source.width(), source.height());
        if (size[0] > source.width() || size[1] > source.height()) {
            return null; // never an upscaled variant
        }
        long videoBps = intOf(video, "bitrate") * 1000L;
        if (videoBps <= 0) {
            videoBps = Math.max(1, source.bandwidth() * size[0] * size[1] / ((long) source.width() * source.height()));
        }
        long audioBps = audio == null ? 0 : audio.getValue("bitrate") instanceof Number n ? n.longValue() : 64_000;
        long bandwidth = videoBps + audioBps;
        String codecs = null;
        if (measured != null) {
            bandwidth = Math.max(bandwidth, measured.bandwidth());
            codecs = measured.codecs();
        }
        String part = HlsServerVerticle.urlPart(name);
        String uri = "../" + part + "/" + part + ".m3u8" + (query == null || query.isEmpty() ? "" : "?" + query);
        return new PlaylistWriter.Variant(uri, bandwidth, size[0], size[1], codecs);
    }

    private static int intOf(JsonObject o, String key) {
        return o.getValue(key) instanceof Number n ? n.intValue() : 0;
    }
}
