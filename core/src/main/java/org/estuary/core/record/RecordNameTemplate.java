package org.estuary.core.record;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a recording file name template such as {@code stream-{mediaSessionId}-{login}}.
 *
 * <p>Placeholders without a value yet (e.g. {@code {endTime}} while recording) stay as they are,
 * like the reference shows them in {@code /recorder/find_all}. Every result is sanitised to one
 * plain file name: path separators, {@code ..} and anything outside a safe character set become
 * {@code _}, so a template or a stream name can never point outside the records directory.
 */
public final class RecordNameTemplate {
    public static final String STREAM_NAME = "streamName";
    public static final String START_TIME = "startTime";
    public static final String END_TIME = "endTime";
    public static final String START_TIME_MILLIS = "startTimeMillis";
    public static final String END_TIME_MILLIS = "endTimeMillis";
    public static final String DURATION = "duration";
    public static final String SESSION_ID = "sessionId";
    public static final String MEDIA_SESSION_ID = "mediaSessionId";
    public static final String LOGIN = "login";
    public static final String AUDIO_CODEC = "audioCodec";
    public static final String VIDEO_CODEC = "videoCodec";

    /** Longest file name most file systems accept. */
    public static final int MAX_NAME = 255;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._\\-{}@=+,]");

    private final String template;

    public RecordNameTemplate(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("file template is empty");
        }
        this.template = template;
    }

    public String template() { return template; }

    /** True when the template names the start time, so rotated parts differ without a counter. */
    public boolean hasStartTime() {
        return template.contains("{" + START_TIME + "}") || template.contains("{" + START_TIME_MILLIS + "}");
    }

    /** The sanitised file name: the rendered template plus {@code extension} (e.g. ".mp4"). */
    public String render(Map<String, String> values, String extension) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sanitize(sb.toString(), extension);
    }

    /** One safe file name: no separators, no "..", no leading dot, at most {@link #MAX_NAME} chars. */
    public static String sanitize(String name, String extension) {
        String s = UNSAFE.matcher(name).replaceAll("_");
        while (s.contains("..")) {
            s = s.replace("..", "_");
        }
        if (s.startsWith(".") || s.isEmpty()) {
            s = "_" + s;
        }
        int max = MAX_NAME - extension.length();
        if (s.length() > max) {
            s = s.substring(0, max);
        }
        return s + extension;
    }

    /**
     * Resolves a file name inside {@code dir}, refusing anything that would land elsewhere
     * (absolute names, separators, "..").
     */
    public static Path resolveInside(Path dir, String fileName) {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(fileName).normalize();
        if (!p.getParent().equals(base) || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("file name outside the records directory: " + fileName);
        }
        return p;
    }
}
