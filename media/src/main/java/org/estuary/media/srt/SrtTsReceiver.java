package org.estuary.media.srt;

import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_READ;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avformat.avio_read_partial;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SRT listener on one UDP port that receives MPEG-TS from callers (encoders), one at a time,
 * in live mode, or (caller mode, {@link SrtOptions#caller()}) an SRT caller that pulls MPEG-TS
 * from a remote listener and connects again whenever the connection drops. It opens
 * {@code srt://host:port} with {@code mode=listener} or {@code mode=caller} through FFmpeg's avio,
 * reads the raw TS bytes on its own worker thread and gives them to a {@link SrtTsListener}. When a
 * caller disconnects it listens again, so a restarting encoder is accepted, until {@link #close()}.
 *
 * <p>FFmpeg's libsrt waits for a caller and for data in 100 ms polls that consult an interrupt
 * callback: closing sets a flag that callback reads, so the worker leaves any wait within about
 * 100 ms and then frees every native object. FFmpeg's srt protocol does not tell who the caller is.
 */
public final class SrtTsReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SrtTsReceiver.class);
    /** Larger than any SRT live payload (1456 max), so each read takes one whole message. */
    private static final int READ_BYTES = 4096;
    /**
     * libsrt sometimes refuses a bind (EADDRINUSE on a free port) while it is still tearing down a
     * socket that was just closed; it works a moment later, so failed opens are retried quickly.
     */
    private static final long RETRY_MS = 100;
    private static final int QUIET_FAILURES = 5;
    private static final Map<Integer, SrtTsReceiver> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    /** One native thunk for all receivers (JavaCPP limits live callback instances); opaque = receiver id. */
    private static final Interrupt INTERRUPT;

    static {
        SrtNative.init();
        INTERRUPT = new Interrupt();
        INTERRUPT.retainReference();
    }

    private final String url;
    private final SrtOptions options;
    private final SrtTsListener listener;
    private final int id = IDS.incrementAndGet();
    private final Thread worker;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile boolean connected;
    private int connections;
    private int failedOpens;

    private SrtTsReceiver(String host, int port, SrtOptions options, SrtTsListener listener) {
        this.url = "srt://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        this.options = options;
        this.listener = listener;
        this.worker = new Thread(this::run, "srt-ts-" + port);
        this.worker.setDaemon(true);
    }

    /**
     * Starts listening on {@code bindHost:port} (UDP). Returns at once; binding problems show as
     * log lines and retries, since FFmpeg only reports them from the blocking open.
     *
     * @param latencyMs the SRT receive latency (buffer for retransmissions), e.g. 120
     */
    public static SrtTsReceiver start(String bindHost, int port, int latencyMs, SrtTsListener listener) {
        return start(bindHost, port, SrtOptions.listener(latencyMs), listener);
    }

    /**
     * Starts listening on, or (caller mode) connecting to, {@code host:port}. Returns at once; a
     * failed bind or connection is logged and retried until {@link #close()}.
     */
    public static SrtTsReceiver start(String host, int port, SrtOptions options, SrtTsListener listener) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        SrtTsReceiver r = new SrtTsReceiver(host, port, options, listener);
        OPEN.put(r.id, r);
        r.worker.start();
        return r;
    }

    /** Loads the native libraries now (blocking, for a worker thread) so the first listener opens at once. */
    public static void preload() {
        // the static initialiser did the work
    }

    public String url() { return url; }

    /** True while a caller is connected. */
    public boolean isConnected() { return connected; }

    /** Asks the worker to stop; the future completes once the port and all native memory are released. */
    public CompletableFuture<Void> closeAsync() {
        closing = true;
        return closed;
    }

    /** Stops and waits (at most a few seconds) until everything is released. */
    @Override
    public void close() {
        try {
            closeAsync().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("SRT receiver {} did not stop within 5 s", url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("SRT receiver {} stopped with an error", url, e);
        }
    }

    private void run() {
        IntPointer opaque = new IntPointer(1).put(id);
        AVIOInterruptCB interrupt = new AVIOInterruptCB();
        BytePointer buffer = new BytePointer(READ_BYTES);
        try {
            interrupt.callback(INTERRUPT).opaque(opaque);
            while (!closing) {
                AVIOContext io = listen(interrupt);
                if (io == null) {
                    pause();
                    continue;
                }
                try {
                    receive(io, buffer);
                } finally {
                    avio_closep(io);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("SRT receiver {} failed", url, e);
        } finally {
            OPEN.remove(id);
            buffer.close();
            interrupt.close();
            opaque.close();
            closed.complete(null);
        }
    }

    /** Blocks until a caller connects (null when closing or when the open failed). */
    private AVIOContext listen(AVIOInterruptCB interrupt) {
        AVDictionary options = new AVDictionary(null);
        AVIOContext io = new AVIOContext(null);
        try {
            av_dict_set(options, "mode", this.options.caller() ? "caller" : "listener", 0);
            av_dict_set(options, "transtype", "live", 0);
            av_dict_set(options, "latency", String.valueOf(this.options.latencyMs() * 1000L), 0); // FFmpeg takes µs
            if (this.options.passphrase() != null) {
                av_dict_set(options, "passphrase", this.options.passphrase(), 0);
            }
            if (this.options.keyLength() != 0) {
                av_dict_set(options, "pbkeylen", String.valueOf(this.options.keyLength()), 0);
            }
            if (this.options.streamId() != null) {
                av_dict_set(options, "streamid", this.options.streamId(), 0);
            }
            if (this.options.caller()) {
                av_dict_set(options, "connect_timeout", "3000", 0); // ms; the loop tries again
            }
            int rc = avio_open2(io, url, AVIO_FLAG_READ, interrupt, options);
            if (rc < 0 || io.isNull()) {
                failedOpens++;
                if (!closing && failedOpens % (QUIET_FAILURES * 10) == QUIET_FAILURES) {
                    LOG.warn("SRT {} {} could not open ({} tries): {}", this.options.caller() ? "caller to" : "listener",
                            url, failedOpens, SrtNative.error(rc));
                } else if (!closing) {
                    LOG.debug("SRT listener {} could not open: {}", url, SrtNative.error(rc));
                }
                return null;
            }
            failedOpens = 0;
            return io;
        } finally {
            av_dict_free(options);
        }
    }

    private void receive(AVIOContext io, BytePointer buffer) {
        int number = ++connections;
        connected = true;
        String reason = "closed";
        listener.connected(number);
        try {
            while (!closing) {
                int n = avio_read_partial(io, buffer, READ_BYTES);
                if (n == AVERROR_EOF()) {
                    reason = "caller disconnected";
                    break;
                }
                if (n < 0) {
                    reason = closing ? "closed" : "connection lost: " + SrtNative.error(n);
                    break;
                }
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    buffer.position(0).get(bytes, 0, n);
                    listener.data(bytes);
                }
            }
        } finally {
            connected = false;
            listener.disconnected(number, reason);
        }
    }

    private void pause() {
        long until = System.currentTimeMillis() + RETRY_MS;
        while (!closing && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** FFmpeg asks this every ~100 ms while it waits: non-zero aborts the wait. */
    private static final class Interrupt extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(org.bytedeco.javacpp.Pointer opaque) {
            if (opaque == null || opaque.isNull()) {
                return 1;
            }
            SrtTsReceiver r = OPEN.get(new IntPointer(opaque).get());
            return r == null || r.closing ? 1 : 0;
        }
    }
}
