package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RtmpControlTest {

    @Test
    void buildersUseControlStream() {
        RtmpMessage m = RtmpControl.windowAckSize(2_500_000);
        assertEquals(2, m.chunkStreamId());
        assertEquals(0, m.messageStreamId());
        assertEquals(MessageType.WINDOW_ACK_SIZE, m.typeId());
        assertArrayEquals(new byte[] {0x00, 0x26, 0x25, (byte) 0xA0}, m.payload());
    }

    @Test
    void setPeerBandwidthHasLimitType() {
        RtmpMessage m = RtmpControl.setPeerBandwidth(2_500_000, RtmpControl.LIMIT_DYNAMIC);
        assertEquals(MessageType.SET_PEER_BANDWIDTH, m.typeId());
        assertArrayEquals(new byte[] {0x00, 0x26, 0x25, (byte) 0xA0, 2}, m.payload());
    }

    @Test
    void ackAndChunkSize() throws RtmpProtocolException {
        assertEquals(0xFFFFFFFFL, RtmpControl.parseUint32(RtmpControl.ack(0xFFFFFFFFL).payload()));
        assertEquals(4096, RtmpControl.parseUint32(RtmpControl.setChunkSize(4096).payload()));
        assertThrows(RtmpProtocolException.class, () -> RtmpControl.parseUint32(new byte[3]));
    }

    @Test
    void userControlRoundTrips() throws RtmpProtocolException {
        assertEquals(new UserControlEvent(RtmpControl.EVENT_STREAM_BEGIN, 1, 0),
                RtmpControl.parseUserControl(RtmpControl.streamBegin(1).payload()));
        assertEquals(new UserControlEvent(RtmpControl.EVENT_STREAM_EOF, 7, 0),
                RtmpControl.parseUserControl(RtmpControl.streamEof(7).payload()));
        assertEquals(new UserControlEvent(RtmpControl.EVENT_STREAM_IS_RECORDED, 1, 0),
                RtmpControl.parseUserControl(RtmpControl.streamIsRecorded(1).payload()));
        assertEquals(new UserControlEvent(RtmpControl.EVENT_PING_REQUEST, 0xFFFFFFF0L, 0),
                RtmpControl.parseUserControl(RtmpControl.pingRequest(0xFFFFFFF0L).payload()));
        assertEquals(new UserControlEvent(RtmpControl.EVENT_PING_RESPONSE, 5, 0),
                RtmpControl.parseUserControl(RtmpControl.pingResponse(5).payload()));
        assertEquals(new UserControlEvent(RtmpControl.EVENT_SET_BUFFER_LENGTH, 1, 3000),
                RtmpControl.parseUserControl(RtmpControl.setBufferLength(1, 3000).payload()));
        assertEquals(MessageType.USER_CONTROL, RtmpControl.streamBegin(1).typeId());
    }

    @Test
    void shortUserControlFails() {
        assertThrows(RtmpProtocolException.class, () -> RtmpControl.parseUserControl(new byte[] {0}));
        assertThrows(RtmpProtocolException.class, () -> RtmpControl.parseUserControl(new byte[] {0, 0, 0}));
        assertThrows(RtmpProtocolException.class, () -> RtmpControl.parseUserControl(new byte[] {0, 3, 0, 0, 0, 1}));
    }

    @Test
    void unknownUserControlEventPassesThrough() throws RtmpProtocolException {
        assertEquals(new UserControlEvent(0x1A, 0, 0), RtmpControl.parseUserControl(new byte[] {0, 0x1A, 9}));
    }
}
