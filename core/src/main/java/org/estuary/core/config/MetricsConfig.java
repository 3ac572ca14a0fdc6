package org.estuary.core.config;

/**
 * Metrics collection.
 *
 * @param enabled collect and expose metrics
 */
public record MetricsConfig(boolean enabled) {

    public static MetricsConfig defaults() {
        return new MetricsConfig(true);
    }
}
