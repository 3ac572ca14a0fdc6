package org.estuary.core.amf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Amf0Test {

    static Stream<Arguments> roundTrips() {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("app", "live");
        obj.put("fpad", false);
        obj.put("audioCodecs", 3575.0);
        obj.put("nested", new LinkedHashMap<>(Map.of("x", 1.0)));
        AmfEcmaArray ecma = new AmfEcmaArray();
        ecma.put("width", 1280.0);
        ecma.put("encoder", "obs");
        return Stream.of(
                Arguments.of(0.0),
                Arguments.of(-1.5),
                Arguments.of(Double.MAX_VALUE),
                Arguments.of(true),
                Arguments.of(false),
                Arguments.of(""),
                Arguments.of("héllo ✓"),
                Arguments.of("x".repeat(70_000)), // long string
                Arguments.of(obj),
                Arguments.of(new LinkedHashMap<>()),
                Arguments.of(ecma),
                Arguments.of(new AmfEcmaArray()),
                Arguments.of(new ArrayList<>(List.of(1.0, "two", true))),
                Arguments.of(new ArrayList<>()),
                Arguments.of(new Date(1_700_000_000_123L)));
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void roundTrip(Object value) throws AmfException {
        List<Object> decoded = Amf0.decodeAll(Amf0.encode(value));
        assertEquals(1, decoded.size());
        assertEquals(value, decoded.get(0));
        assertEquals(value.getClass(), decoded.get(0).getClass());
    }

    @Test
    void nullAndUndefined() throws AmfException {
        byte[] b = Amf0.encode(null, Amf0.UNDEFINED);
        assertArrayEquals(new byte[] {0x05, 0x06}, b);
        List<Object> d = Amf0.decodeAll(b);
        assertNull(d.get(0));
        assertSame(Amf0.UNDEFINED, d.get(1));
    }

    @Test
    void encodesAnyNumberAsDouble() throws AmfException {
        assertEquals(List.of(3.0, 4.0, 5.5, 7.0), Amf0.decodeAll(Amf0.encode(3, 4L, 5.5f, (short) 7)));
    }

    @Test
    void knownBytesForAConnectCommandPrefix() throws AmfException {
        byte[] expected = HexFormat.of().parseHex("02000c63726561746553747265616d" + "00" + "4000000000000000" + "05");
        assertArrayEquals(expected, Amf0.encode("createStream", 2, null));
    }

    @Test
    void longStringUsesMarker0x0C() {
        byte[] b = Amf0.encode("y".repeat(0x10000));
        assertEquals(0x0C, b[0]);
    }

    @Test
    void mapsEncodeAsObjectEcmaAsEcma() {
        assertEquals(0x03, Amf0.encode(new HashMap<>(Map.of("a", 1)))[0]);
        assertEquals(0x08, Amf0.encode(new AmfEcmaArray(Map.of("a", 1)))[0]);
    }

    @Test
    void typedObjectDecodesAsMap() throws AmfException {
        // 0x10, class name "Foo", property a=true, end
        byte[] b = HexFormat.of().parseHex("100003466f6f0001610101000009");
        Object v = Amf0.decodeAll(b).get(0);
        assertEquals(Map.of("a", true), v);
        assertInstanceOf(LinkedHashMap.class, v);
    }

    @Test
    void ecmaArrayCountIsAdvisory() throws AmfException {
        // count says 5 but only one property before the end marker (real encoders do this)
        byte[] b = HexFormat.of().parseHex("08000000050001610101000009");
        assertEquals(Map.of("a", true), Amf0.decodeAll(b).get(0));
    }

    @Test
    void decodeAdvancesBuffer() throws AmfException {
        ByteBuffer buf = ByteBuffer.wrap(Amf0.encode("a", 2.0));
        assertEquals("a", Amf0.decode(buf));
        assertEquals(2.0, Amf0.decode(buf));
        assertEquals(0, buf.remaining());
    }

    @Test
    void multipleValues() throws AmfException {
        assertEquals(Arrays.asList("connect", 1.0, null), Amf0.decodeAll(Amf0.encode("connect", 1, null)));
    }

    @Test
    void unknownJavaTypeIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Amf0.encode(new Object()));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("truncated number", "00400000"),
                Arguments.of("truncated boolean", "01"),
                Arguments.of("string length beyond data", "0200ff6161"),
                Arguments.of("long string huge length", "0cffffffff61"),
                Arguments.of("object without end", "030001610101"),
                Arguments.of("object truncated after key", "0300016100"),
                Arguments.of("object truncated after empty key", "030000"),
                Arguments.of("strict array huge count", "0a7fffffff"),
                Arguments.of("strict array count beyond data", "0a0000000300"),
                Arguments.of("ecma truncated", "0800000001"),
                Arguments.of("unknown marker", "20"),
                Arguments.of("reference unsupported", "070001"),
                Arguments.of("AMF3 switch unsupported", "1100"),
                Arguments.of("date truncated", "0b00000000"),
                Arguments.of("typed object name truncated", "1000ff41"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputFailsCleanly(String name, String hex) {
        assertThrows(AmfException.class, () -> Amf0.decodeAll(HexFormat.of().parseHex(hex)));
    }

    @Test
    void deepNestingIsRejected() {
        // a chain of {"a": {"a": ...}} far deeper than the limit
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            hex.append("03000161");
        }
        assertThrows(AmfException.class, () -> Amf0.decodeAll(HexFormat.of().parseHex(hex.toString())));
        StringBuilder arrays = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            arrays.append("0a00000001");
        }
        assertThrows(AmfException.class, () -> Amf0.decodeAll(HexFormat.of().parseHex(arrays.toString())));
    }

    @Test
    void nestingUpToTheLimitIsAccepted() throws AmfException {
        Object v = 1.0;
        for (int i = 0; i < Amf0.MAX_DEPTH; i++) {
            v = new ArrayList<>(List.of(v));
        }
        assertEquals(v, Amf0.decodeAll(Amf0.encode(v)).get(0));
    }
}
