package org.estuary.it.trust;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.rtmp.MessageType;

/** One FLV tag: type (8 audio, 9 video), timestamp in ms, body (the RTMP message payload). */
record FlvTag(int type, long timestamp, byte[] body) {
    static List<FlvTag> readAll(Path file) throws IOException {
        List<FlvTag> tags = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            in.skipNBytes(9 + 4); // header, PreviousTagSize0
            while (in.available() > 0) {
                int type = in.readUnsignedByte();
                int size = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                long ts = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                ts |= (long) in.readUnsignedByte() << 24;
                in.skipNBytes(3); // stream id
                byte[] body = in.readNBytes(size);
                in.skipNBytes(4); // PreviousTagSize
                if (type == MessageType.VIDEO || type == MessageType.AUDIO) {
                    tags.add(new FlvTag(type, ts, body));
                }
            }
        }
        return tags;
    }

    /** An AVC (or Enhanced RTMP) video sequence header: what a player needs before any picture. */
    boolean isVideoConfig() {
        return type == MessageType.VIDEO && body.length > 1 && (body[0] & 0x0f) == 7 && body[1] == 0;
    }

    /** An AVC key frame (not the sequence header). */
    boolean isVideoKey() {
        return type == MessageType.VIDEO && body.length > 1 && (body[0] & 0xf0) == 0x10 && body[1] == 1;
    }
}
