package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Body parsing and field checks, without HTTP. */
class RequestValidatorTest {
    private static final ApiMethod PUSH = ApiMethods.METHODS.get("/push/startup");

    @Test
    void emptyOrBlankBodyIsAnEmptyObject() {
        assertEquals(new JsonObject(), RequestValidator.parse(null));
        assertEquals(new JsonObject(), RequestValidator.parse(Buffer.buffer()));
        assertEquals(new JsonObject(), RequestValidator.parse(Buffer.buffer(" \n")));
    }

    @Test
    void nonObjectBodiesAreMalformed() {
        for (String body : new String[] {"[]", "\"x\"", "42", "null", "{", "not json"}) {
            var e = assertThrows(RequestValidator.ValidationException.class,
                () -> RequestValidator.parse(Buffer.buffer(body)), body);
            assertEquals(400, e.error().status());
            assertTrue(e.getMessage().startsWith("Malformed JSON: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one-line message");
        }
    }

    @Test
    void missingOrNullRequiredFieldIsNamed() {
        var e = assertThrows(RequestValidator.ValidationException.class,
            () -> RequestValidator.validate(PUSH, new JsonObject().put("streamName", "s").putNull("rtmpUrl")));
        assertEquals("rtmpUrl", e.error().body().getString("field"));
        assertEquals("Missing required field 'rtmpUrl'", e.getMessage());
    }

    @Test
    void nullOptionalFieldCountsAsAbsentAndExtrasPass() {
        assertDoesNotThrow(() -> RequestValidator.validate(PUSH,
            new JsonObject().put("streamName", "s").put("rtmpUrl", "rtmp://h/a").putNull("options").put("x", 1)));
    }

    @Test
    void wrongTypeNamesFieldAndExpectedType() {
        var e = assertThrows(RequestValidator.ValidationException.class, () -> RequestValidator.validate(PUSH,
            new JsonObject().put("streamName", 1).put("rtmpUrl", "rtmp://h/a")));
        assertEquals("streamName", e.error().body().getString("field"));
        assertEquals("string", e.error().body().getString("expected"));
        assertEquals("Field 'streamName' must be a string, got a number", e.getMessage());
    }

    @Test
    void fieldTypes() {
        assertTrue(FieldType.INTEGER.accepts(5));
        assertTrue(FieldType.INTEGER.accepts(5L));
        assertTrue(FieldType.INTEGER.accepts(5.0));
        assertFalse(FieldType.INTEGER.accepts(5.5));
        assertFalse(FieldType.INTEGER.accepts("5"));
        assertTrue(FieldType.INTEGER_OR_STRING.accepts("5060"));
        assertTrue(FieldType.BOOLEAN_OR_STRING.accepts("true"));
        assertFalse(FieldType.BOOLEAN.accepts("true"));
        assertTrue(FieldType.STRING_OR_ARRAY.accepts(new JsonArray()));
        assertTrue(FieldType.STRING_OR_ARRAY.accepts("^stream.*"));
        assertFalse(FieldType.OBJECT.accepts(new JsonArray()));
        assertTrue(FieldType.ANY.accepts(new JsonObject()));
    }
}
