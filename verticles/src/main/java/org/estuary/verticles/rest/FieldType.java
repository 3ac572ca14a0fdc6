package org.estuary.verticles.rest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * JSON type of a request field. Some reference clients send flags and ports as strings
 * ({@code "hasAudio": "true"}, {@code "sipPort": "5060"}), so a few lenient types accept both.
 */
public enum FieldType {
    STRING("string"),
    BOOLEAN("boolean"),
    INTEGER("integer"),
    NUMBER("number"),
    OBJECT("object"),
    ARRAY("array"),
    /** A single string or an array of them, e.g. mixer {@code streams} (names or a regex). */
    STRING_OR_ARRAY("string or array"),
    /** {@code true}/{@code false}, or the same spelled as a string. */
    BOOLEAN_OR_STRING("boolean or string"),
    /** An integer, or digits spelled as a string. */
    INTEGER_OR_STRING("integer or string"),
    /** Any JSON value (free payloads). */
    ANY("any JSON value");

    private final String label;

    FieldType(String label) {
        this.label = label;
    }

    /** Human name used in error messages, e.g. "boolean or string". */
    public String label() {
        return label;
    }

    /** True when {@code value} (as decoded by Vert.x JSON; never a JSON null) has this type. */
    public boolean accepts(Object value) {
        switch (this) {
            case STRING: return value instanceof String;
            case BOOLEAN: return value instanceof Boolean;
            case INTEGER: return isInteger(value);
            case NUMBER: return value instanceof Number;
            case OBJECT: return value instanceof JsonObject;
            case ARRAY: return value instanceof JsonArray;
            case STRING_OR_ARRAY: return value instanceof String || value instanceof JsonArray;
            case BOOLEAN_OR_STRING: return value instanceof Boolean || value instanceof String;
            case INTEGER_OR_STRING: return isInteger(value) || value instanceof String;
            case ANY: return true;
            default: throw new AssertionError(this);
        }
    }

    private static boolean isInteger(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return true;
        }
        // Jackson may decode 5.0 as a Double; a whole number is still an integer to a client
        return value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            && !Double.isInfinite(n.doubleValue());
    }
}
