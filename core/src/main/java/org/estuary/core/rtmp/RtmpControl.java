package org.estuary.core.rtmp;

/** Builders and parsers for protocol control messages (types 1-6), all on chunk stream 2, message stream 0. */
public final class RtmpControl {
    public static final int CONTROL_CSID = 2;

    public static final int EVENT_STREAM_BEGIN = 0;
    public static final int EVENT_STREAM_EOF = 1;
    public static final int EVENT_STREAM_DRY = 2;
    public static final int EVENT_SET_BUFFER_LENGTH = 3;
    public static final int EVENT_STREAM_IS_RECORDED = 4;
    public static final int EVENT_PING_REQUEST = 6;
    public static final int EVENT_PING_RESPONSE = 7;

    /** SET_PEER_BANDWIDTH limit types. */
    public static final int LIMIT_HARD = 0;
    public static final int LIMIT_SOFT = 1;
    public static final int LIMIT_DYNAMIC = 2;

    private RtmpControl() {
    }

    public static RtmpMessage setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        return control(MessageType.SET_CHUNK_SIZE, u32(size));
    }

    public static RtmpMessage abort(int csid) {
        return control(MessageType.ABORT, u32(csid));
    }

    public static RtmpMessage windowAckSize(long size) {
        return control(MessageType.WINDOW_ACK_SIZE, u32(size));
    }

    public static RtmpMessage setPeerBandwidth(long size, int limitType) {
        byte[] p = new byte[5];
        System.arraycopy(u32(size), 0, p, 0, 4);
        p[4] = (byte) limitType;
        return control(MessageType.SET_PEER_BANDWIDTH, p);
    }

    /** Acknowledgement carrying the number of bytes received so far (wraps at 2^32). */
    public static RtmpMessage ack(long sequenceNumber) {
        return control(MessageType.ACK, u32(sequenceNumber));
    }

    public static RtmpMessage streamBegin(int streamId) {
        return userControl(EVENT_STREAM_BEGIN, streamId);
    }

    public static RtmpMessage streamEof(int streamId) {
        return userControl(EVENT_STREAM_EOF, streamId);
    }

    public static RtmpMessage streamDry(int streamId) {
        return userControl(EVENT_STREAM_DRY, streamId);
    }

    public static RtmpMessage streamIsRecorded(int streamId) {
        return userControl(EVENT_STREAM_IS_RECORDED, streamId);
    }

    public static RtmpMessage pingRequest(long timestamp) {
        return userControl(EVENT_PING_REQUEST, timestamp);
    }

    public static RtmpMessage pingResponse(long timestamp) {
        return userControl(EVENT_PING_RESPONSE, timestamp);
    }

    public static RtmpMessage setBufferLength(int streamId, long bufferMs) {
        byte[] p = new byte[10];
        p[1] = EVENT_SET_BUFFER_LENGTH;
        System.arraycopy(u32(streamId), 0, p, 2, 4);
        System.arraycopy(u32(bufferMs), 0, p, 6, 4);
        return control(MessageType.USER_CONTROL, p);
    }

    /** Parses a USER_CONTROL payload. */
    public static UserControlEvent parseUserControl(byte[] payload) throws RtmpProtocolException {
        if (payload.length < 2) {
            throw new RtmpProtocolException("user control message too short");
        }
        int type = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        // unknown event types may carry anything: read what is there instead of failing
        long v1 = payload.length >= 6 ? ChunkDecoder.readU32(payload, 2) : 0;
        long v2 = payload.length >= 10 ? ChunkDecoder.readU32(payload, 6) : 0;
        boolean known = type <= EVENT_PING_RESPONSE && type != 5;
        if (known && payload.length < 6) {
            throw new RtmpProtocolException("user control event " + type + " too short");
        }
        if (type == EVENT_SET_BUFFER_LENGTH && payload.length < 10) {
            throw new RtmpProtocolException("SetBufferLength event too short");
        }
        return new UserControlEvent(type, v1, v2);
    }

    /** Reads the 4-byte value of SET_CHUNK_SIZE, ABORT, ACK, WINDOW_ACK_SIZE and SET_PEER_BANDWIDTH. */
    public static long parseUint32(byte[] payload) throws RtmpProtocolException {
        if (payload.length < 4) {
            throw new RtmpProtocolException("control message too short: " + payload.length + " bytes");
        }
        return ChunkDecoder.readU32(payload, 0);
    }

    private static RtmpMessage userControl(int event, long value) {
        byte[] p = new byte[6];
        p[0] = (byte) (event >>> 8);
        p[1] = (byte) event;
        System.arraycopy(u32(value), 0, p, 2, 4);
        return control(MessageType.USER_CONTROL, p);
    }

    private static RtmpMessage control(int type, byte[] payload) {
        return new RtmpMessage(CONTROL_CSID, type, 0, 0, payload);
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
