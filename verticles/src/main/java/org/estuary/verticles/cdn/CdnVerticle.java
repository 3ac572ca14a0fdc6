package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.TreeMap;
import org.estuary.cluster.CdnException;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.NodeDirectoryVerticle;
import org.estuary.cluster.NodeIdentity;
import org.estuary.cluster.RouteTable;
import org.estuary.cluster.SharedTables;
import org.estuary.core.config.CdnConfig;
import org.estuary.core.config.EdgePublish;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.session.AdmissionChain;
import org.estuary.core.session.AdmissionDecision;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDN of one node: its stream routes, its edge relays (when it has the EDGE role), the stream access lists
 * (a link of the node's admission chain) and the REST methods {@code /cdn/show_routes},
 * {@code /cdn/stream/show_routes}, {@code /cdn/remove_node} and {@code /cdn/stream/access_list/*}. Every node
 * deploys one after the {@link NodeDirectoryVerticle}; the answers come from the shared tables, so they are
 * the same on every node.
 */
public final class CdnVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CdnVerticle.class);
    /** Why a publisher is refused on a node without the origin role when {@code cdn.edgePublish} is refuse. */
    static final String NOT_ORIGIN = "not an origin node";

    private final StreamRegistry streams;
    private final NodeDirectoryVerticle directoryVerticle;
    private final CdnConfig config;
    private final long playWaitMs;
    private final AdmissionChain admission;
    private final String bindAddress;
    private AccessLists accessLists;
    private EventBridge bridge;
    private NodeDirectory directory;
    private RouteTable routes;
    private EdgeRelays relays;
    private Profiles profiles;
    private Renditions renditions;
    private ClusterRequests clusterRequests;
    /** Publishes forwarded to an origin ({@code cdn.edgePublish: relay} on a node without the origin role), or null. */
    private EdgeForwards forwards;
    /** Answers {@link Addresses#CDN_RENDITIONS} on nodes that can play renditions, or null. */
    private io.vertx.core.eventbus.MessageConsumer<JsonObject> renditionList;

    /**
     * @param playWaitMs how long players wait for a stream; a new relay gets that long to see its first reader
     * @param admission  the node's admission point; the access lists add their check to it
     * @param bindAddress interface the event-bus bridge listens on (when {@code cdn.bridgeEnabled})
     */
    public CdnVerticle(StreamRegistry streams, NodeDirectoryVerticle directoryVerticle, CdnConfig config, long playWaitMs,
                       AdmissionChain admission, String bindAddress) {
        this.admission = admission;
        this.bindAddress = bindAddress;
        this.streams = streams;
        this.directoryVerticle = directoryVerticle;
        this.config = config;
        this.playWaitMs = playWaitMs;
    }

    @Override
    public Future<?> start() {
        directory = directoryVerticle.directory();
        SharedTables tables = directoryVerticle.tables();
        routes = new RouteTable(vertx, tables, directory, streams);
        routes.resyncEvery(config.loadRefreshMs());
        if (config.edgePublish() == EdgePublish.ORIGIN) {
            routes.routeLocalPublishes(); // a publisher on an edge makes it that stream's origin
        }
        // One random token for the whole cluster, made by whichever node asks first.
        JsonObject token = new JsonObject().put("value", UUID.randomUUID().toString());
        return tables.table(SharedTables.SETTINGS).putIfAbsent("relayToken", token).compose(settled -> {
            String relayToken = settled.getString("value");
            NodeIdentity identity = directory.identity();
            accessLists = new AccessLists(vertx, tables, routes, streams, config.aclKeyParameter(), relayToken,
                name -> relays == null ? java.util.Optional.empty() : relays.originPublish(name));
            // Transcoder nodes relay the sources of their renditions like edges relay streams for players. A node
            // with neither role relays profile renditions only (made on a transcoder node), so that its players, and
            // the variants of its HLS master playlists, get them too; never another origin's streams.
            boolean relaysAll = identity.has(NodeIdentity.EDGE) || identity.has(NodeIdentity.TRANSCODER);
            relays = new EdgeRelays(vertx, context, streams, routes, directory, relaysAll ? config.relayVia() : "",
                config.relayLingerMs(), playWaitMs, accessLists.relayQuery(identity.nodeId()));
            if (relaysAll) {
                directory.relayVia(config.relayVia());
            } else {
                relays.localOnly(name -> profiles == null || profiles.rendition(name).isEmpty());
            }
            if (config.edgePublish() == EdgePublish.RELAY && !identity.has(NodeIdentity.ORIGIN)) {
                forwards = new EdgeForwards(vertx, context, streams, directory, accessLists.relayQuery(identity.nodeId()));
                if (relays != null) {
                    relays.localOnly(forwards::isForwarded);
                }
            }
            // Never this node's routes: its relays' local copies, and (on a transcoder node, which routes what is
            // published on it) the publishes it forwards to an origin, which routes them.
            routes.exclude(s -> (relays != null && relays.isRelayed(s.name()))
                || (forwards != null && forwards.isForwarded(s.name())));
            profiles = new Profiles(tables);
            renditions = new Renditions(vertx, context, streams, routes, profiles, directory, relays,
                config.relayLingerMs(), playWaitMs, config.loadRefreshMs());
            return Future.all(routes.start(), accessLists.start(), profiles.start());
        }).compose(v -> {
            if (relays != null) {
                relays.onUnrouted(renditions::demand);
                relays.onRelayStarting(renditions::relayStarting);
                relays.start();
            }
            if (forwards != null) {
                forwards.start();
            }
            accessLists.onChange(this::recheckPlayers);
            // A list belongs to one publish: when the route of a stream changes, the lists valid here may too.
            routes.onChange((name, route) -> recheckPlayers(name, accessLists.keys(name)));
            admission.add(this::admit);
            clusterRequests = new ClusterRequests(vertx, directory);
            if (relays != null) {
                // the HLS output's master playlist of a stream lists its profile renditions, which this node
                // can play (a player of one makes a transcoder node make it, as for an RTMP player)
                renditionList = vertx.eventBus().<JsonObject>localConsumer(Addresses.CDN_RENDITIONS, m -> {
                    String name = m.body() == null ? null : m.body().getString("stream");
                    m.reply(new JsonArray(new java.util.ArrayList<Object>(profiles.renditionsOf(name))));
                });
            }
            return Future.all(renditions.start(), clusterRequests.start());
        }).compose(v -> {
            if (config.bridgeEnabled()) {
                bridge = new EventBridge();
                return bridge.start(vertx, bindAddress, config.bridgePort(), config.sockJsPort(), config.bridgeInbound());
            }
            return Future.succeededFuture();
        }).compose(v -> {
            return new Control(vertx, LOG)
                .on("/cdn/show_routes", this::showRoutes)
                .on("/cdn/stream/show_routes", this::showStreamRoutes)
                .on("/cdn/remove_node", this::removeNode)
                .on("/cdn/stream/access_list/add", accessLists::add)
                .on("/cdn/stream/access_list/remove", accessLists::remove)
                .on("/cdn/stream/access_list/delete", accessLists::delete)
                .on("/cdn/stream/access_list/print", accessLists::print)
                .on("/cdn/profile/add", profiles::add)
                .on("/cdn/profile/modify", profiles::modify)
                .on("/cdn/profile/print", profiles::print)
                .on("/cdn/profile/remove", profiles::remove)
                .on("/cdn/connection/reset_inbound", (m, b) -> resetConnections(m, b, true, false))
                .on("/cdn/connection/reset_outbound", (m, b) -> resetConnections(m, b, false, true))
                .on("/cdn/connection/reset_all", this::resetAll)
                .ready();
        });
    }

    /** The access-list link of the admission chain: players (every protocol) of a listed stream need a key. */
    private CompletionStage<AdmissionDecision> admit(AdmissionRequest request) {
        if (request.action() == AdmissionRequest.Action.PUBLISH && config.edgePublish() == EdgePublish.REFUSE
            && !directory.identity().has(NodeIdentity.ORIGIN)) {
            return CompletableFuture.completedFuture(AdmissionDecision.deny(NOT_ORIGIN));
        }
        if (request.action() == AdmissionRequest.Action.PUBLISH && forwards != null) {
            return forwards.admit(request.streamName()).map(refusal -> refusal == null ? AdmissionDecision.allow(request)
                : AdmissionDecision.deny(refusal)).toCompletionStage();
        }
        if (request.action() != AdmissionRequest.Action.PLAY) {
            return CompletableFuture.completedFuture(AdmissionDecision.allow(request));
        }
        String refusal = listRefusal(request.streamName(), request.params());
        if (refusal == null && relays != null) {
            refusal = renditions.refusal(request.streamName());
        }
        if (refusal != null || relays == null) {
            return CompletableFuture.completedFuture(refusal == null ? AdmissionDecision.allow(request)
                : AdmissionDecision.deny(refusal));
        }
        // a relay of it would loop through cdn.relayVia settings: refused with the loop named, not waited for
        return relays.loopRefusal(request.streamName()).map(loop -> loop == null ? AdmissionDecision.allow(request)
            : AdmissionDecision.deny(loop)).toCompletionStage();
    }

    /**
     * Null when a player presenting {@code params} may play {@code name} by the access lists, else why not: the
     * stream's own list, and for a rendition ({@code <source><profile>}, which shows the source's pictures) its
     * source's list too.
     */
    private String listRefusal(String name, Map<String, String> params) {
        String refusal = accessLists.refusal(name, params);
        if (refusal == null && profiles != null) {
            refusal = profiles.rendition(name).map(r -> accessLists.refusal(r.source(), params)).orElse(null);
        }
        return refusal;
    }

    /**
     * A list changed (on any node): cut this node's players whose key is no longer valid, of that stream and of
     * its renditions (a rendition's players were admitted with a key of the source's list, so removing the key
     * from the source's list must cut them too).
     */
    private void recheckPlayers(String name, java.util.Set<String> keys) {
        for (org.estuary.core.stream.Stream s : streams.streams()) {
            boolean affected = s.name().equals(name)
                || profiles.rendition(s.name()).map(r -> r.source().equals(name)).orElse(false);
            if (!affected) {
                continue;
            }
            for (StreamReader r : s.readers()) {
                if (r.info().player() && listRefusal(s.name(), r.params()) != null) {
                    LOG.info("Player {} of {} cut: {} (access list of {} changed)", r.info().sessionId(), s.name(),
                        AccessLists.RESTRICTED, name);
                    r.terminate();
                }
            }
        }
    }

    @Override
    public Future<?> stop() {
        if (renditionList != null) {
            renditionList.unregister();
        }
        if (bridge != null) {
            bridge.stop();
        }
        if (accessLists != null) {
            accessLists.stop();
        }
        if (clusterRequests != null) {
            clusterRequests.stop();
        }
        if (renditions != null) {
            renditions.stop();
        }
        if (profiles != null) {
            profiles.stop();
        }
        if (relays != null) {
            relays.stop();
        }
        if (forwards != null) {
            forwards.stop();
        }
        return routes == null ? Future.succeededFuture() : routes.stop();
    }

    /** Tells the CDN where this node's RTMP server listens (known only once it does); called from any thread. */
    public void rtmpListening(int port) {
        context.runOnContext(v -> {
            directory.endpoints(new JsonObject().put("rtmp", port));
            routes.rtmpPort(port);
        });
    }

    /** WCS's CDNRoute map: route id {@code <n>-<originNodeId>-<hops>} to stream name; 404 when there is none. */
    private void showRoutes(Message<?> m, Body body) {
        routes.all().onSuccess(all -> {
            if (all.isEmpty()) {
                m.fail(ApiStatus.NOT_FOUND, "No routes");
                return;
            }
            JsonObject out = new JsonObject();
            int n = 1;
            for (Map.Entry<String, JsonObject> e : new TreeMap<>(all).entrySet()) {
                out.put(n++ + "-" + e.getValue().getString("nodeId") + "-1", e.getKey());
            }
            m.reply(out);
        }).onFailure(e -> m.fail(ApiStatus.INTERNAL, "Could not read routes: " + e.getMessage()));
    }

    /**
     * The route a player of {@code streamName} takes from this node: {@code <n>-STREAM-<nodeId>} keys in hop
     * order (origin first, then this node when it relays), each with that hop's details; on a node that takes the
     * publisher and relays it to the origin ({@code cdn.edgePublish: relay}), {@code 0-STREAM-<thisNode>} first.
     */
    private void showStreamRoutes(Message<?> m, Body body) {
        String name = body.string("streamName");
        if (name == null || name.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "streamName is required");
            return;
        }
        routes.all().onSuccess(all -> {
            JsonObject route = all.get(name);
            if (route == null) {
                m.fail(ApiStatus.NOT_FOUND, "No route for stream " + name);
                return;
            }
            JsonObject out = new JsonObject();
            JsonObject forward = forwards == null ? null : forwards.describe(name);
            if (forward != null) {
                // published here and relayed to the origin (cdn.edgePublish: relay): the hop before the origin
                out.put("0-STREAM-" + directory.identity().nodeId(), new JsonArray().add(
                    forward.put("nodeId", directory.identity().nodeId()).put("role", NodeIdentity.EDGE)));
            }
            out.put("1-STREAM-" + route.getString("nodeId"), new JsonArray().add(route.copy().put("role", NodeIdentity.ORIGIN)));
            JsonObject relay = relays == null ? null : relays.describe(name);
            if (relay != null) {
                out.put("2-STREAM-" + directory.identity().nodeId(),
                    new JsonArray().add(relay.put("nodeId", directory.identity().nodeId()).put("role", NodeIdentity.EDGE)));
            }
            m.reply(out);
        }).onFailure(e -> m.fail(ApiStatus.INTERNAL, "Could not read routes: " + e.getMessage()));
    }

    /** Removes a PASSIVE node and its routes (409 for an ACTIVE node, 404 for an unknown one). */
    private void removeNode(Message<?> m, Body body) {
        String nodeId = body.string("nodeId");
        if (nodeId == null || nodeId.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "nodeId is required");
            return;
        }
        directory.remove(nodeId)
            .compose(memberId -> routes.removeRoutesOfNode(nodeId))
            .onSuccess(v -> {
                LOG.info("Node {} removed from the CDN", nodeId);
                m.reply(null);
            })
            .onFailure(e -> fail(m, e));
    }

    /**
     * {@code /cdn/connection/reset_inbound|reset_outbound {nodeId}} (400 without it, 404 "Node not found" for a
     * node not in the cluster): drops this node's relay connections from that node (inbound: its relays playing
     * streams of this node, which it then makes again, as its pull reconnects) and/or to it (outbound: this
     * node's relays of streams whose origin it is, made again here at once from the route).
     */
    private void resetConnections(Message<?> m, Body body, boolean inbound, boolean outbound) {
        String nodeId = body.string("nodeId");
        if (nodeId == null || nodeId.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "nodeId is required");
            return;
        }
        directory.entry(nodeId).onSuccess(entry -> {
            if (entry == null) {
                m.fail(ApiStatus.NOT_FOUND, "Node not found: " + nodeId);
                return;
            }
            reset(nodeId::equals, inbound, outbound);
            m.reply(null);
        }).onFailure(e -> fail(m, e));
    }

    /** {@code /cdn/connection/reset_all}: every relay connection from and to this node, dropped and made again. */
    private void resetAll(Message<?> m, Body body) {
        reset(node -> true, true, true);
        m.reply(null);
    }

    private void reset(java.util.function.Predicate<String> node, boolean inbound, boolean outbound) {
        int in = 0;
        if (inbound) {
            for (StreamReader r : streams.readers()) {
                String relayNode = accessLists.relayNode(r.params());
                if (relayNode != null && node.test(relayNode)) {
                    LOG.info("Inbound relay connection of {} from node {} reset", r.stream().name(), relayNode);
                    r.terminate();
                    in++;
                }
            }
        }
        int out = outbound && relays != null ? relays.reset(node) : 0;
        LOG.info("CDN connections reset: {} inbound, {} outbound", in, out);
    }

    /** Answers a failed request: the kit's {@link ControlError}, or the cluster's {@link CdnException} with its status. */
    static void fail(Message<?> m, Throwable e) {
        ControlError.reply(m, e instanceof CdnException c ? new ControlError(c.status(), c.getMessage()) : e);
    }

}
