package org.estuary.verticles.agent;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec of a control record: on this node the record itself travels (records are
 * immutable), across nodes its JSON form ({@link Records}). Register once per record type with
 * {@link #register(EventBus, Class)}; then {@code bus.request(address, record)} works locally and
 * in cluster mode alike.
 */
public final class RecordCodec<R extends Record> implements MessageCodec<R, R> {
    private final Class<R> type;

    private RecordCodec(Class<R> type) {
        this.type = type;
    }

    public static <R extends Record> RecordCodec<R> of(Class<R> type) {
        return new RecordCodec<>(type);
    }

    /** Makes {@code type} the default codec of its class on {@code bus}; a repeated call is a no-op. */
    public static <R extends Record> void register(EventBus bus, Class<R> type) {
        try {
            bus.registerDefaultCodec(type, new RecordCodec<>(type));
        } catch (IllegalStateException already) {
            // another verticle of this node registered it first
        }
    }

    @Override
    public void encodeToWire(Buffer buffer, R r) {
        Buffer json = Records.toJson(r).toBuffer();
        buffer.appendInt(json.length());
        buffer.appendBuffer(json);
    }

    @Override
    public R decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        JsonObject o = new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
        return Records.fromJson(o, type);
    }

    @Override
    public R transform(R r) {
        return r;
    }

    @Override
    public String name() {
        return "estuary-record-" + type.getName();
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
