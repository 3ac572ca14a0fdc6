package org.estuary.verticles.agent;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A request body read once: typed getters with the lenient forms the reference API accepts
 * ({@code "true"} for true, {@code "25"} for 25) and a {@link ControlError} 400 naming the field
 * when a value cannot be used. Request records are built from it ({@code XxxRequest.from(body)}).
 */
public final class Body {
    private final JsonObject json;

    private Body(JsonObject json) {
        this.json = json == null ? new JsonObject() : json;
    }

    /** The body of a control message; an absent body reads as {@code {}}. */
    public static Body of(Message<?> m) {
        return of(m.body() instanceof JsonObject j ? j : null);
    }

    public static Body of(JsonObject json) {
        return new Body(json);
    }

    /** The JSON itself (read only by convention). */
    public JsonObject json() {
        return json;
    }

    public boolean has(String field) {
        return json.getValue(field) != null;
    }

    public Object value(String field) {
        return json.getValue(field);
    }

    /** The field as text (numbers and booleans too), or null when absent. */
    public String string(String field) {
        Object v = json.getValue(field);
        return v == null ? null : String.valueOf(v);
    }

    public String string(String field, String dflt) {
        String v = string(field);
        return v == null ? dflt : v;
    }

    /** The field trimmed, or a 400 naming it when absent or blank. */
    public String required(String field) {
        String v = string(field);
        if (v == null || v.isBlank()) {
            throw ControlError.badRequest("Missing required field '" + field + "'");
        }
        return v.trim();
    }

    /** A flag given as a JSON boolean or the text "true"/"false"; {@code dflt} when absent or blank. */
    public boolean bool(String field, boolean dflt) {
        return bool(json.getValue(field), dflt);
    }

    /** The lenient boolean rule on a raw value. */
    public static boolean bool(Object v, boolean dflt) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s.equalsIgnoreCase("true");
        }
        return dflt;
    }

    /** A whole number given as a number or numeric text, {@code dflt} when absent; else a 400. */
    public int integer(String field, int dflt) {
        Object v = json.getValue(field);
        if (v == null) {
            return dflt;
        }
        try {
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                return n.intValue();
            }
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw ControlError.badRequest("Field '" + field + "' must be an integer, got " + v);
        }
    }

    /** A nested object, or an empty one when absent; a 400 when it is something else. */
    public Body object(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return new Body(new JsonObject());
        }
        if (v instanceof JsonObject o) {
            return new Body(o);
        }
        throw ControlError.badRequest("Field '" + field + "' must be an object");
    }

    /** An array, or null when absent. */
    public JsonArray array(String field) {
        Object v = json.getValue(field);
        return v instanceof JsonArray a ? a : null;
    }

    @Override
    public String toString() {
        return json.encode();
    }
}
