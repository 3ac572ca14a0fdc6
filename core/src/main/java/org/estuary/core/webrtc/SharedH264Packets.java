package org.estuary.core.webrtc;

import java.util.List;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Frame;

/**
 * The RTP payloads of recent H.264 frames, packetised once and shared by every player of the
 * frame's stream (issue 12). Each player used to run its own {@link H264Packetizer} on the same
 * {@link Frame}: one NAL copy and one fragment copy per packet per player, the same bytes every
 * time. Frames are shared by the stream's readers (never copied per reader), so a frame's identity
 * is the key; the parameter sets sent before a key frame are part of it (compared by content, each
 * player parses its own copy of the stream's configuration).
 *
 * <p>The payloads returned are shared: callers copy them into their own packets and never modify
 * them. What stays per player is only what differs: sequence numbers, timestamps, SSRC and the
 * encryption. A small ring of the last {@link #SLOTS} frames: players at the live edge all hit the
 * newest entry; a player joining with the cached GOP finds the GOP's frames while they are recent.
 * Not thread-safe: one owner (the WebRTC engine's event loop).
 */
public final class SharedH264Packets {
    /** Frames remembered: more than a 2 s GOP at 25 fps, so a joining player's seed also hits. */
    public static final int SLOTS = 64;

    private final H264Packetizer packetizer;
    private final Frame[] frames = new Frame[SLOTS];
    @SuppressWarnings("unchecked")
    private final List<byte[]>[] sets = new List[SLOTS];
    @SuppressWarnings("unchecked")
    private final List<byte[]>[] payloads = new List[SLOTS];
    /** The slot written last; lookups start there (the live edge). */
    private int newest = SLOTS - 1;
    private long hits;
    private long misses;

    public SharedH264Packets(int maxPayload) {
        this.packetizer = new H264Packetizer(maxPayload);
    }

    /**
     * The payloads of {@code f} (an AVCC access unit) preceded by {@code parameterSets}, as
     * {@link H264Packetizer#packetize} makes them; packetised on the first call for this frame and
     * these parameter sets, shared afterwards. Do not modify the arrays.
     */
    public List<byte[]> packetize(Frame f, List<byte[]> parameterSets) {
        for (int i = 0, slot = newest; i < SLOTS; i++, slot = slot == 0 ? SLOTS - 1 : slot - 1) {
            if (frames[slot] == f && AvcConfig.sameBytes(sets[slot], parameterSets)) {
                hits++;
                return payloads[slot];
            }
            if (frames[slot] == null) {
                break; // never filled further back
            }
        }
        misses++;
        List<byte[]> p = List.copyOf(packetizer.packetize(f.payload(), parameterSets));
        newest = (newest + 1) % SLOTS;
        frames[newest] = f;
        sets[newest] = parameterSets;
        payloads[newest] = p;
        return p;
    }

    /** Lookups answered from the ring (the packetising saved). */
    public long hits() {
        return hits;
    }

    /** Frames packetised. */
    public long misses() {
        return misses;
    }
}
