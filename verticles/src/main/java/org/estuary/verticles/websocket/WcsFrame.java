package org.estuary.verticles.websocket;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One message of the WCS WebSocket API: a JSON text {@code {"message": NAME, "data": [ ... ]}}.
 * Clients put their arguments in {@code data[0]} (an object, or null for ping/pong); a few server
 * messages carry several positional values ({@code setRemoteSDP: [mediaSessionId, sdp]}).
 *
 * @param message the message name, never blank
 * @param data    the positional values, never null
 */
record WcsFrame(String message, JsonArray data) {

    /** Longest accepted message name: names are identifiers, a long one is garbage. */
    static final int MAX_NAME_LENGTH = 64;

    /** The first value when it is an object, else an empty object. */
    JsonObject args() {
        Object first = data.isEmpty() ? null : data.getValue(0);
        return first instanceof JsonObject o ? o : new JsonObject();
    }

    /** True when {@code data[0]} is an object (what every client request needs). */
    boolean hasArgs() {
        return !data.isEmpty() && data.getValue(0) instanceof JsonObject;
    }

    String encode() {
        return new JsonObject().put("message", message).put("data", data).encode();
    }

    static WcsFrame of(String message, Object... values) {
        JsonArray a = new JsonArray();
        for (Object v : values) {
            a.add(v);
        }
        return new WcsFrame(message, a);
    }

    /** The outcome of decoding one text message: a frame, or why it is not one. */
    sealed interface Decoded permits Ok, Bad { }

    record Ok(WcsFrame frame) implements Decoded { }

    record Bad(String reason) implements Decoded { }

    /** Decodes a text message; never throws. */
    static Decoded decode(String text) {
        if (text == null || text.isBlank()) {
            return new Bad("Empty message");
        }
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(text);
        } catch (DecodeException | IllegalArgumentException e) {
            return new Bad("Message is not JSON");
        }
        if (!(parsed instanceof JsonObject o)) {
            return new Bad("Message must be a JSON object {\"message\": NAME, \"data\": [...]}");
        }
        Object name = o.getValue("message");
        if (!(name instanceof String s) || s.isBlank()) {
            return new Bad("Field 'message' (the message name) is missing or not a string");
        }
        if (s.length() > MAX_NAME_LENGTH) {
            return new Bad("Field 'message' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        Object data = o.getValue("data");
        if (data == null) {
            return new Ok(new WcsFrame(s, new JsonArray()));
        }
        if (!(data instanceof JsonArray arr)) {
            return new Bad("Field 'data' must be an array");
        }
        return new Ok(new WcsFrame(s, arr));
    }
}
