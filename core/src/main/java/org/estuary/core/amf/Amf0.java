package org.estuary.core.amf;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 encoder/decoder.
 *
 * <p>Mapping: number ↔ {@link Double} (any {@link Number} when encoding), boolean ↔ {@link Boolean},
 * string/long string ↔ {@link String}, object and typed object → {@link LinkedHashMap},
 * ECMA array ↔ {@link AmfEcmaArray}, strict array ↔ {@link List}, date ↔ {@link Date},
 * null ↔ {@code null}, undefined ↔ {@link #UNDEFINED}. Any other {@link Map} encodes as an object.
 *
 * <p>Decoding is defensive: nesting depth, element counts and string lengths are bounded so a
 * hostile peer cannot make us recurse deeply or allocate unbounded memory.
 */
public final class Amf0 {
    /** The AMF0 "undefined" value (marker 0x06), distinct from null. */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    /** Deepest nesting of objects/arrays accepted when decoding. */
    public static final int MAX_DEPTH = 32;
    /** Most entries accepted in one object/array, and most top-level values in {@link #decodeAll}. */
    public static final int MAX_ELEMENTS = 65_536;

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED_MARKER = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    private Amf0() {
    }

    /** Decodes every value in {@code data}, in order. */
    public static List<Object> decodeAll(byte[] data) throws AmfException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        List<Object> out = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (out.size() >= MAX_ELEMENTS) {
                throw new AmfException("too many top-level AMF0 values");
            }
            out.add(decode(buf));
        }
        return out;
    }

    /**
     * Decodes one value starting at the buffer's position and advances past it. On failure the
     * buffer position is unspecified.
     */
    public static Object decode(ByteBuffer buf) throws AmfException {
        try {
            return readValue(buf, 0);
        } catch (BufferUnderflowException e) {
            throw new AmfException("truncated AMF0 data");
        }
    }

    private static Object readValue(ByteBuffer buf, int depth) throws AmfException {
        int marker = buf.get() & 0xFF;
        switch (marker) {
            case NUMBER:
                return buf.getDouble();
            case BOOLEAN:
                return buf.get() != 0;
            case STRING:
                return readUtf8(buf, buf.getShort() & 0xFFFF);
            case LONG_STRING:
            case XML_DOCUMENT:
                return readUtf8(buf, buf.getInt() & 0xFFFFFFFFL);
            case NULL:
                return null;
            case UNDEFINED_MARKER:
            case UNSUPPORTED:
                return UNDEFINED;
            case OBJECT:
                return readProperties(buf, depth + 1, new LinkedHashMap<>());
            case TYPED_OBJECT:
                readUtf8(buf, buf.getShort() & 0xFFFF); // class name: not needed by RTMP peers
                return readProperties(buf, depth + 1, new LinkedHashMap<>());
            case ECMA_ARRAY:
                buf.getInt(); // advisory count: real encoders get it wrong, the end marker is authoritative
                return readProperties(buf, depth + 1, new AmfEcmaArray());
            case STRICT_ARRAY:
                return readStrictArray(buf, depth + 1);
            case DATE: {
                double millis = buf.getDouble();
                buf.getShort(); // time zone: reserved, should be 0
                return new Date((long) millis);
            }
            case REFERENCE:
                throw new AmfException("AMF0 references are not supported");
            case AVMPLUS:
                throw new AmfException("AMF3 values inside AMF0 are not supported");
            default:
                throw new AmfException("unknown AMF0 marker 0x" + Integer.toHexString(marker));
        }
    }

    private static <M extends Map<String, Object>> M readProperties(ByteBuffer buf, int depth, M map)
            throws AmfException {
        checkDepth(depth);
        while (true) {
            String key = readUtf8(buf, buf.getShort() & 0xFFFF);
            if (!buf.hasRemaining()) {
                throw new AmfException("truncated AMF0 object");
            }
            if (key.isEmpty() && (buf.get(buf.position()) & 0xFF) == OBJECT_END) {
                buf.get();
                return map;
            }
            if (map.size() >= MAX_ELEMENTS) {
                throw new AmfException("AMF0 object has too many properties");
            }
            map.put(key, readValue(buf, depth));
        }
    }

    private static List<Object> readStrictArray(ByteBuffer buf, int depth) throws AmfException {
        checkDepth(depth);
        long count = buf.getInt() & 0xFFFFFFFFL;
        // every element takes at least one byte, so a count beyond the remaining bytes is a lie
        if (count > MAX_ELEMENTS || count > buf.remaining()) {
            throw new AmfException("AMF0 strict array count too large: " + count);
        }
        List<Object> list = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            list.add(readValue(buf, depth));
        }
        return list;
    }

    private static void checkDepth(int depth) throws AmfException {
        if (depth > MAX_DEPTH) {
            throw new AmfException("AMF0 nesting deeper than " + MAX_DEPTH);
        }
    }

    private static String readUtf8(ByteBuffer buf, long len) throws AmfException {
        if (len > buf.remaining()) {
            throw new AmfException("AMF0 string length " + len + " exceeds remaining " + buf.remaining());
        }
        byte[] b = new byte[(int) len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Encodes the values one after the other (e.g. a command: name, transaction id, object, args). */
    public static byte[] encode(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (Object v : values) {
            write(out, v);
        }
        return out.toByteArray();
    }

    /**
     * Appends one encoded value.
     *
     * @throws IllegalArgumentException for a Java type with no AMF0 mapping (a programming error)
     */
    public static void write(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write(NULL);
        } else if (value == UNDEFINED) {
            out.write(UNDEFINED_MARKER);
        } else if (value instanceof Number n) {
            out.write(NUMBER);
            writeLong(out, Double.doubleToLongBits(n.doubleValue()), 8);
        } else if (value instanceof Boolean b) {
            out.write(BOOLEAN);
            out.write(b ? 1 : 0);
        } else if (value instanceof CharSequence cs) {
            byte[] s = cs.toString().getBytes(StandardCharsets.UTF_8);
            if (s.length <= 0xFFFF) {
                out.write(STRING);
                writeLong(out, s.length, 2);
            } else {
                out.write(LONG_STRING);
                writeLong(out, s.length, 4);
            }
            out.write(s, 0, s.length);
        } else if (value instanceof AmfEcmaArray ecma) {
            out.write(ECMA_ARRAY);
            writeLong(out, ecma.size(), 4);
            writeProperties(out, ecma);
        } else if (value instanceof Map<?, ?> map) {
            out.write(OBJECT);
            writeProperties(out, map);
        } else if (value instanceof List<?> list) {
            out.write(STRICT_ARRAY);
            writeLong(out, list.size(), 4);
            for (Object o : list) {
                write(out, o);
            }
        } else if (value instanceof Date d) {
            out.write(DATE);
            writeLong(out, Double.doubleToLongBits((double) d.getTime()), 8);
            writeLong(out, 0, 2);
        } else {
            throw new IllegalArgumentException("no AMF0 mapping for " + value.getClass().getName());
        }
    }

    private static void writeProperties(ByteArrayOutputStream out, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            writeKey(out, String.valueOf(e.getKey()));
            write(out, e.getValue());
        }
        writeLong(out, 0, 2);
        out.write(OBJECT_END);
    }

    private static void writeKey(ByteArrayOutputStream out, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length > 0xFFFF) {
            throw new IllegalArgumentException("AMF0 property name longer than 65535 bytes");
        }
        writeLong(out, k.length, 2);
        out.write(k, 0, k.length);
    }

    private static void writeLong(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
