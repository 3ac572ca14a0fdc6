package org.estuary.verticles.mpegts;

import io.vertx.core.Future;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import org.estuary.core.net.AddressFilter;

/** MPEG-TS in UDP datagrams on a Vert.x socket (already on the event loop); drops senders outside the allowedList. */
final class UdpIngress implements MpegTsIngress {
    private final DatagramSocket socket;
    private final AddressFilter allowed;

    UdpIngress(DatagramSocket socket, AddressFilter allowed) {
        this.socket = socket;
        this.allowed = allowed;
    }

    @Override
    public void start(MpegTsSession session) {
        socket.handler(p -> onPacket(session, p));
    }

    private void onPacket(MpegTsSession session, DatagramPacket p) {
        String from = p.sender().hostAddress();
        if (!allowed.allows(from)) {
            session.rejected(from);
            return;
        }
        session.received(p.data().getBytes());
    }

    @Override
    public Future<Void> close() {
        return socket.close();
    }
}
