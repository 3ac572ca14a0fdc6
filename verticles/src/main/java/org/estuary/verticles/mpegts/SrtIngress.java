package org.estuary.verticles.mpegts;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.estuary.media.srt.SrtOptions;
import org.estuary.media.srt.SrtTsListener;
import org.estuary.media.srt.SrtTsReceiver;

/**
 * MPEG-TS from an SRT caller (or, in caller mode, from a remote SRT listener) through
 * {@link SrtTsReceiver} (FFmpeg's libsrt); its
 * worker thread hands blocks and connection events to the event loop in order.
 */
final class SrtIngress implements MpegTsIngress, SrtTsListener {
    private final Context context;
    private final String host;
    private final int port;
    private final SrtOptions options;
    private MpegTsSession session;
    private EventLoopHandoff handoff;
    private SrtTsReceiver receiver;

    /** @param host where to listen, or (caller mode) the remote listener to pull from */
    SrtIngress(Context context, String host, int port, SrtOptions options) {
        this.context = context;
        this.host = host;
        this.port = port;
        this.options = options;
    }

    SrtOptions options() { return options; }

    boolean callerConnected() { return receiver != null && receiver.isConnected(); }

    @Override
    public long droppedBlocks() {
        return handoff == null ? 0 : handoff.dropped();
    }

    @Override
    public void start(MpegTsSession session) {
        this.session = session;
        this.handoff = new EventLoopHandoff(context, session::received);
        this.receiver = SrtTsReceiver.start(host, port, options, this);
    }

    @Override
    public void connected(int connection) {
        handoff.then(() -> session.callerConnected(connection));
    }

    @Override
    public void data(byte[] bytes) {
        handoff.offer(bytes);
    }

    @Override
    public void disconnected(int connection, String reason) {
        handoff.then(() -> session.callerDisconnected(connection, reason));
    }

    @Override
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        if (receiver == null) {
            done.complete();
        } else {
            // completes on the receiver thread once libsrt let go of the port; hop back for the caller
            receiver.closeAsync().whenComplete((v, e) -> context.runOnContext(x -> done.complete()));
        }
        if (handoff != null) {
            handoff.clear();
        }
        return done.future();
    }
}
