package org.estuary.core.stream;

/**
 * A feature that can start publishing a name when a player asks for it (e.g. an RTSP agent for a
 * name that is an rtsp:// URI). Asked by {@link StreamRegistry#awaitPublished} when the name is
 * not live; called on the player's thread, so it must only schedule the start.
 */
@FunctionalInterface
public interface OnDemandSource {
    /**
     * Returns the name it will publish (soon) for a player asking for {@code name} (the same
     * name, or a canonical form of it), or null when the name is not its kind.
     */
    String demand(String name);
}
