package org.estuary.verticles.vod;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A bucket and key from {@code vod-live://s3/<bucket>/<key>}, checked before any request is made:
 * the bucket follows S3's naming rules, the key is 1..1024 UTF-8 bytes without control characters
 * and without {@code .}/{@code ..} segments or empty segments (S3 would take them literally, but a
 * key that reads like a path escape is refused rather than guessed at).
 */
record S3Location(String bucket, String key) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final String PREFIX = "s3/";

    static boolean isS3(String fileName) {
        return fileName.startsWith(PREFIX);
    }

    /** @param path what follows {@code vod-live://}, e.g. {@code s3/bucket/dir/file.mp4} */
    static S3Location parse(String path) {
        if (!isS3(path)) {
            throw new IllegalArgumentException("an S3 uri looks like vod-live://s3/<bucket>/<key>");
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("an S3 uri looks like vod-live://s3/<bucket>/<key>, got \"" + path + "\"");
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("bad S3 bucket name: " + bucket);
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("S3 key longer than 1024 bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw new IllegalArgumentException("bad character in S3 key: " + key);
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("bad S3 key (empty, . or .. segment): " + key);
            }
        }
        return new S3Location(bucket, key);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
