package org.estuary.core.config;

import java.util.Objects;

/**
 * CDN behaviour of a node (roles and membership are in {@link ClusterConfig}).
 *
 * @param relayLingerMs        an edge keeps a relay from its origin this long after its last local reader left
 * @param loadRefreshMs        how often a node refreshes its load figures and states in the shared node map
 * @param cpuThresholdPercent  CPU load (0..100) at which a node turns itself PASSIVE; 0 = never
 * @param transcoderThreshold  running transcoders at which a node turns itself PASSIVE; 0 = never
 * @param aclKeyParameter      name of the query parameter players present their access key in
 * @param bridgeEnabled        serve the TCP event-bus bridge (outbound stream/connection/node events only)
 * @param bridgePort           TCP port of the event-bus bridge
 * @param sockJsPort           HTTP port of the SockJS event-bus bridge (path /eventbus), served with the TCP one;
 *                             0 = no SockJS bridge
 * @param bridgeInbound        regex of the addresses bridge clients may send to; "" = none (outbound only)
 * @param edgePublish          what a node without the origin role does with a publisher
 * @param relayVia             node id an edge relays every stream through (an edge → edge chain); "" = the
 *                             stream's origin
 */
public record CdnConfig(long relayLingerMs, long loadRefreshMs, int cpuThresholdPercent, int transcoderThreshold,
                        String aclKeyParameter, boolean bridgeEnabled, int bridgePort, EdgePublish edgePublish,
                        String relayVia, int sockJsPort, String bridgeInbound) {

    public CdnConfig {
        Objects.requireNonNull(aclKeyParameter, "aclKeyParameter");
        Objects.requireNonNull(edgePublish, "edgePublish");
        Objects.requireNonNull(relayVia, "relayVia");
        Objects.requireNonNull(bridgeInbound, "bridgeInbound");
    }

    public static CdnConfig defaults() {
        return new CdnConfig(5000, 3000, 90, 0, "aclAuth", false, 7000, EdgePublish.ORIGIN, "", 7001, "");
    }
}
