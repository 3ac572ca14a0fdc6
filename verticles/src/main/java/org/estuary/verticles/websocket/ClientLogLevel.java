package org.estuary.verticles.websocket;

import java.util.Locale;
import java.util.Optional;

/**
 * The level a client's forwarded log lines must reach to land in the server log
 * ({@code /logger/enable_client_log logLevel}). The Web SDK writes lines as
 * {@code "HH:MM:SS LEVEL source - text"}.
 */
enum ClientLogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR;

    static Optional<ClientLogLevel> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The level named in a client log line (second word), INFO when it names none. */
    static ClientLogLevel ofLine(String line) {
        String[] words = line.strip().split("\\s+", 3);
        if (words.length >= 2) {
            return parse(words[1]).orElse(INFO);
        }
        return INFO;
    }

    boolean admits(ClientLogLevel lineLevel) {
        return lineLevel.ordinal() >= ordinal();
    }
}
