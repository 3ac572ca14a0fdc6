package org.estuary.verticles.websocket;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Used while no WebRTC engine is deployed on this node: every publish/play fails with that reason. */
final class UnavailableMedia implements WcsMedia {
    @Override
    public Future<String> start(WcsMediaSession s, Owner owner, String offerSdp, JsonObject request, Listener listener) {
        return Future.failedFuture("WebRTC media engine is not available on this node");
    }

    @Override
    public void stop(WcsMediaSession s) {
    }
}
