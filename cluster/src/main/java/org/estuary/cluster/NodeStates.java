package org.estuary.cluster;

import java.util.Locale;

/**
 * WCS's node states and how a node decides its own: an enforced value first (from {@code /cdn/enforce_state}),
 * then the CPU and transcoder thresholds, else ACTIVE / NEW_STREAMS_ALLOWED.
 *
 * <p>What they mean here: a PASSIVE node is not chosen for new relays (edges do not pull from a passive
 * origin, no stream is routed through a passive transcoder) and is the only kind {@code /cdn/remove_node}
 * removes; relays already running keep running. GROUP_CONNECTIONS_ALLOWED is reported as WCS does.
 */
public final class NodeStates {
    public static final String ACTIVE = "ACTIVE";
    public static final String PASSIVE = "PASSIVE";
    public static final String NEW_STREAMS_ALLOWED = "NEW_STREAMS_ALLOWED";
    public static final String GROUP_CONNECTIONS_ALLOWED = "GROUP_CONNECTIONS_ALLOWED";

    private NodeStates() { }

    /** The thresholds that turn a node passive on their own; 0 disables one. */
    public record Thresholds(int cpuPercent, int transcoders) {
        public static final Thresholds NONE = new Thresholds(0, 0);

        boolean exceeded(LoadProbe.Load load) {
            return (cpuPercent > 0 && load.cpuPercent() >= cpuPercent)
                || (transcoders > 0 && load.transcoders() >= transcoders);
        }
    }

    /** A state enforced by the operator; either part may be null (not enforced). */
    public record Enforced(String globalState, String processingState) {
        public static final Enforced NONE = new Enforced(null, null);

        /**
         * Parses {@code /cdn/enforce_state}'s {@code state}: ACTIVE or PASSIVE, or a processing state
         * (NEW_STREAMS_ALLOWED, GROUP_CONNECTIONS_ALLOWED, also the spelling GROUP_CONNECTION_ALLOWED).
         * Null or blank clears. Throws IllegalArgumentException for anything else.
         */
        public static Enforced parse(String state) {
            if (state == null || state.isBlank()) {
                return NONE;
            }
            String s = state.trim().toUpperCase(Locale.ROOT);
            return switch (s) {
                case ACTIVE, PASSIVE -> new Enforced(s, null);
                case NEW_STREAMS_ALLOWED -> new Enforced(null, NEW_STREAMS_ALLOWED);
                case GROUP_CONNECTIONS_ALLOWED, "GROUP_CONNECTION_ALLOWED" -> new Enforced(null, GROUP_CONNECTIONS_ALLOWED);
                default -> throw new IllegalArgumentException("Invalid state " + state + ": expected one of "
                    + ACTIVE + ", " + PASSIVE + ", " + NEW_STREAMS_ALLOWED + ", " + GROUP_CONNECTIONS_ALLOWED
                    + " (an empty body clears the enforced state)");
            };
        }

        public boolean isNone() {
            return globalState == null && processingState == null;
        }
    }

    /** The global state: enforced, else PASSIVE over a threshold, else ACTIVE. */
    public static String global(Enforced enforced, Thresholds thresholds, LoadProbe.Load load) {
        if (enforced.globalState() != null) {
            return enforced.globalState();
        }
        return thresholds.exceeded(load) ? PASSIVE : ACTIVE;
    }

    /** The processing state: enforced, else GROUP_CONNECTIONS_ALLOWED over a threshold, else NEW_STREAMS_ALLOWED. */
    public static String processing(Enforced enforced, Thresholds thresholds, LoadProbe.Load load) {
        if (enforced.processingState() != null) {
            return enforced.processingState();
        }
        return thresholds.exceeded(load) ? GROUP_CONNECTIONS_ALLOWED : NEW_STREAMS_ALLOWED;
    }
}
