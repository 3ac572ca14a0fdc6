package org.estuary.verticles.rest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Turns a raw request body into the JSON object to forward, or a 400 {@link ValidationException}.
 *
 * <p>Content-Type is deliberately not checked: curl users forget it, and the body must be JSON
 * anyway. An empty (or blank) body counts as {@code {}} so parameterless methods work without one.
 */
public final class RequestValidator {
    private RequestValidator() { }

    /** Parses {@code raw} (may be null) as a JSON object. */
    public static JsonObject parse(Buffer raw) {
        // the body of every parameterless call ("{}" or none) without a JSON parser: a Jackson parser per
        // request was ~7 % of the REST event loop's samples under find_all load (rest14, JFR)
        if (raw == null || raw.length() == 0 || (raw.length() == 2 && raw.getByte(0) == '{' && raw.getByte(1) == '}')) {
            return new JsonObject();
        }
        if (raw.toString().isBlank()) {
            return new JsonObject();
        }
        Object decoded;
        try {
            decoded = Json.decodeValue(raw);
        } catch (DecodeException e) {
            throw new ValidationException(ApiError.of(400, "Malformed JSON: " + firstLine(e.getMessage())));
        }
        if (!(decoded instanceof JsonObject object)) {
            throw new ValidationException(ApiError.of(400,
                "Malformed JSON: the body must be a JSON object, not " + describe(decoded)));
        }
        return object;
    }

    /** Checks required fields are present (and not null) and every known field has its type. */
    public static void validate(ApiMethod method, JsonObject body) {
        for (Map.Entry<String, FieldType> field : method.required().entrySet()) {
            if (body.getValue(field.getKey()) == null) {
                throw new ValidationException(ApiError.of(400, "Missing required field '" + field.getKey() + "'")
                    .with("field", field.getKey()));
            }
        }
        for (Map.Entry<String, String> refused : ApiMethods.NOT_SUPPORTED.getOrDefault(method.path(), Map.of()).entrySet()) {
            Object value = body.getValue(refused.getKey());
            if (value != null && !(value instanceof String str && str.isBlank())) {
                throw new ValidationException(ApiError.of(400, "Field '" + refused.getKey() + "' is not supported: "
                        + refused.getValue()).with("field", refused.getKey()));
            }
        }
        for (Map.Entry<String, FieldType> field : method.fields().entrySet()) {
            Object value = body.getValue(field.getKey());
            // an explicit null on an optional field means "not given"
            if (value != null && !field.getValue().accepts(value)) {
                throw new ValidationException(ApiError.of(400, "Field '" + field.getKey() + "' must be "
                        + article(field.getValue().label()) + ", got " + describe(value))
                    .with("field", field.getKey())
                    .with("expected", field.getValue().label()));
            }
        }
    }

    // Jackson messages run over several lines and quote source locations; the first line is enough
    private static String firstLine(String message) {
        if (message == null) {
            return "cannot decode body";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonObject) {
            return "an object";
        }
        if (value instanceof io.vertx.core.json.JsonArray) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value.getClass().getSimpleName();
    }

    private static String article(String label) {
        return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }

    /** A request the router rejects before forwarding; carries the answer to send. */
    public static final class ValidationException extends RuntimeException {
        private final transient ApiError error;

        public ValidationException(ApiError error) {
            super(error.body().getString("message"), null, false, false);
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }
}
