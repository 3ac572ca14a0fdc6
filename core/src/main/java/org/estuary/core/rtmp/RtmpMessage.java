package org.estuary.core.rtmp;

/**
 * One complete RTMP message.
 *
 * @param chunkStreamId   chunk stream it travelled on (2..65599)
 * @param typeId          see {@link MessageType}
 * @param timestamp       absolute timestamp in ms, 32-bit unsigned (0..0xFFFFFFFF)
 * @param messageStreamId message stream id (0 for connection-level messages)
 * @param payload         message body; shared, treat as read only
 */
public record RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, byte[] payload) {
    @Override
    public String toString() {
        return "RtmpMessage{csid=" + chunkStreamId + " type=" + typeId + " ts=" + timestamp
                + " msid=" + messageStreamId + " len=" + payload.length + '}';
    }
}
