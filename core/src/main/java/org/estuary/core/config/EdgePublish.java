package org.estuary.core.config;

/**
 * What a CDN node without the origin role does with a publisher that reaches it ({@code cdn.edgePublish}).
 * ORIGIN: it takes the publish and announces itself as that stream's origin in the route map, so every other
 * node relays the stream from it. REFUSE: the publisher is refused ("Publishing refused: not an origin node").
 * RELAY: it takes the publish and forwards it (an RTMP push, frames unchanged) to the least loaded ACTIVE origin
 * node taking new streams, which becomes the stream's origin; with no such origin the publisher is refused.
 */
public enum EdgePublish {
    ORIGIN, REFUSE, RELAY
}
