package org.estuary.core.config;

import java.util.Objects;

/**
 * The REST control API.
 *
 * @param port            TCP port (0 = any free port)
 * @param corsAllowOrigin value of Access-Control-Allow-Origin
 * @param maxBodyBytes    largest accepted request body, in bytes
 */
public record RestConfig(int port, String corsAllowOrigin, int maxBodyBytes) {

    public RestConfig {
        Objects.requireNonNull(corsAllowOrigin, "corsAllowOrigin");
    }

    public static RestConfig defaults() {
        return new RestConfig(8081, "*", 1_048_576);
    }
}
