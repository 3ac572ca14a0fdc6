package org.estuary.core.config;

import java.util.Locale;

/** What a node does in a cluster; written in lower case in the configuration. */
public enum ClusterRole {
    ORIGIN, EDGE, TRANSCODER;

    /** The lower-case name used in YAML, environment variables and {@code --set}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
