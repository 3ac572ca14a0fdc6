package org.estuary.verticles.hls;

import io.vertx.core.http.HttpHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A parsed HLS request path {@code /<stream>/<file>}. Anything else (more or fewer levels, dot
 * names, encoded slashes, unknown file names) is rejected, so a request can never name a file
 * outside the agent's own set: files are looked up by name in the agent's store, never opened by path.
 *
 * @param stream the stream name (URL-decoded)
 * @param file   the file name: {@code <stream>.m3u8}, {@code master.m3u8}, {@code <n>.ts},
 *               {@code <n>.m4s}, {@code <n>.<part>.m4s} or {@code init-<n>.mp4}
 */
record HlsPath(String stream, String file) {
    static final String MASTER = "master.m3u8";
    private static final Pattern ASSET = Pattern.compile("(\\d{1,18})(\\.(\\d{1,6}))?\\.(ts|m4s)|init-\\d{1,9}\\.mp4");

    /** The parsed path, or null when it is not a valid HLS path. */
    static HlsPath parse(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        if (parts.length != 2) {
            return null;
        }
        String stream = decode(parts[0]);
        String file = decode(parts[1]);
        if (stream == null || file == null || !validName(stream)) {
            return null;
        }
        if (!file.equals(stream + ".m3u8") && !file.equals(MASTER) && !ASSET.matcher(file).matches()) {
            return null;
        }
        return new HlsPath(stream, file);
    }

    boolean isMediaPlaylist() {
        return file.equals(stream + ".m3u8");
    }

    boolean isMaster() {
        return file.equals(MASTER) && !isMediaPlaylist();
    }

    boolean isPlaylist() {
        return file.endsWith(".m3u8");
    }

    /** For {@code <seq>.<part>.m4s}: {seq, part}; else null. */
    long[] partId() {
        var m = ASSET.matcher(file);
        if (!m.matches() || m.group(3) == null) {
            return null;
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(3))};
    }

    /** The answer's Content-Type, encoded once as a header value (Vert.x writes it as it is). */
    CharSequence contentType() {
        if (isPlaylist()) {
            return PLAYLIST_TYPE;
        }
        if (file.endsWith(".ts")) {
            return TS_TYPE;
        }
        return MP4_TYPE;
    }

    private static final CharSequence PLAYLIST_TYPE = HttpHeaders.createOptimized("application/vnd.apple.mpegurl");
    private static final CharSequence TS_TYPE = HttpHeaders.createOptimized("video/mp2t");
    private static final CharSequence MP4_TYPE = HttpHeaders.createOptimized("video/mp4");

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static boolean validName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 256) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
