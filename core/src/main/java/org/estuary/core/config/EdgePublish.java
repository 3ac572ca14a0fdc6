package org.estuary.core.config;

/**
 * What a CDN node without the origin role does with a publisher that reaches it ({@code cdn.edgePublish}).
 * ORIGIN: it takes the publish and announces itself as that stream's origin in the route map, so every other
 * node relays the stream from it. REFUSE: the publisher is refused ("Publishing refused: not an origin node").
 */
public enum EdgePublish {
    ORIGIN, REFUSE
}
