package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The access unit being assembled by the H.264/H.265 depacketisers: NAL units of one RTP
 * timestamp, written out AVCC (4-byte lengths). Units damaged by loss are dropped and the next
 * output waits for a keyframe, so decoders never get references to missing pictures.
 */
final class NalAccessUnit {
    static final int MAX_BYTES = 8 << 20;

    private final List<byte[]> nals = new ArrayList<>();
    private int bytes;
    long timestamp = -1;
    boolean keyframe;
    boolean damaged;
    boolean needKeyframe = true;

    void add(byte[] nal) {
        if (bytes + nal.length > MAX_BYTES) {
            damaged = true;
            return;
        }
        nals.add(nal);
        bytes += 4 + nal.length;
    }

    /** Emits the unit if it is usable; returns false when something was dropped. */
    boolean flush(AccessUnitSink sink) {
        boolean ok = true;
        if (damaged) {
            // even a unit whose every NAL was lost: what follows may reference it
            needKeyframe = true;
            ok = false;
        } else if (!nals.isEmpty()) {
            if (needKeyframe && !keyframe) {
                ok = false;
            } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bytes);
                for (byte[] n : nals) {
                    out.write(n.length >>> 24);
                    out.write(n.length >>> 16);
                    out.write(n.length >>> 8);
                    out.write(n.length);
                    out.write(n, 0, n.length);
                }
                needKeyframe = false;
                sink.accessUnit(timestamp, out.toByteArray(), keyframe);
            }
        }
        nals.clear();
        bytes = 0;
        keyframe = false;
        damaged = false;
        timestamp = -1;
        return ok;
    }
}
