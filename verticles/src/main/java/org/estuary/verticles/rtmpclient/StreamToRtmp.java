package org.estuary.verticles.rtmpclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.estuary.core.flv.AudioParams;
import org.estuary.core.flv.FlvWriter;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.stream.MediaDescription;

/**
 * The RTMP wire form of a hub frame, computed once per frame and shared by every player with the
 * same chunk size and message stream id (fan-out without per-player copies). Every message is
 * written with a full (type 0) chunk header, so the bytes do not depend on what a player saw
 * before.
 */
public final class StreamToRtmp {
    public static final int CSID_AUDIO = 4;
    public static final int CSID_DATA = 5;
    public static final int CSID_VIDEO = 6;

    private record WireKey(int chunkSize, int messageStreamId) { }

    private StreamToRtmp() { }

    /**
     * Shared, read-only bytes for {@code f}; callers write {@code duplicate()}s of it. Returns null
     * for frames RTMP cannot carry.
     */
    public static ByteBuf wire(Frame f, int chunkSize, int messageStreamId, MediaDescription d) {
        return f.memo(new WireKey(chunkSize, messageStreamId), fr -> encode(fr, chunkSize, messageStreamId, d));
    }

    private static ByteBuf encode(Frame f, int chunkSize, int msid, MediaDescription d) {
        long ts = (f.dtsUs() / 1000) & 0xFFFFFFFFL;
        RtmpMessage m;
        switch (f.type()) {
            case VIDEO -> m = new RtmpMessage(CSID_VIDEO, MessageType.VIDEO, ts, msid, FlvWriter.videoTag(f));
            case AUDIO -> m = new RtmpMessage(CSID_AUDIO, MessageType.AUDIO, ts, msid,
                    FlvWriter.audioTag(f, new AudioParams(d.sampleRate(), d.channels())));
            case DATA -> m = new RtmpMessage(CSID_DATA, MessageType.DATA_AMF0, ts, msid, f.payload());
            default -> {
                return null;
            }
        }
        int size = ChunkEncoder.encodedSize(m.payload().length, chunkSize, ts, m.chunkStreamId());
        // JDK direct memory: freed by its cleaner when the frame is collected; Netty writes it
        // without a heap-to-direct copy per player. Unreleasable: many writes share it.
        ByteBuffer direct = ByteBuffer.allocateDirect(size);
        ChunkEncoder.encodeTo(m, chunkSize, direct);
        direct.flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }
}
