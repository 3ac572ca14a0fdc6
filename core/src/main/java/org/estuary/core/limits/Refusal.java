package org.estuary.core.limits;

/**
 * Why something was refused: the limit and its configured value. {@link #message()} is what a
 * client reads (RTMP description, JSON {@code message}); it starts with {@code "limit <key>"} so
 * the REST layer can name the key in its own JSON member.
 */
public record Refusal(Limit limit, long max) {

    public String message() {
        return "limit " + limit.configKey() + " (" + max + ") reached";
    }
}
