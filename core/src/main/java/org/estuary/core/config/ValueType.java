package org.estuary.core.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The type and allowed range of one configuration key. {@link #parse} accepts both YAML values
 * (numbers, booleans, lists) and the plain strings of environment variables and {@code --set}.
 */
abstract class ValueType {

    /** Thrown by {@link #parse}; the message is "expected ..., got ..." without the key. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    /** Human description of what is accepted, e.g. "an integer 0..65535". */
    abstract String expected();

    /** Converts a raw YAML or string value to the record component's Java value. */
    abstract Object parse(Object raw) throws BadValue;

    /** Converts a record component's value to what YAML should show. */
    Object toYaml(Object value) {
        return value;
    }

    BadValue bad(Object raw) {
        return new BadValue("expected " + expected() + ", got " + describe(raw));
    }

    static String describe(Object raw) {
        if (raw == null) {
            return "nothing";
        }
        if (raw instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (raw instanceof Map) {
            return "a map";
        }
        return String.valueOf(raw);
    }

    static ValueType port() {
        return integer(0, 65_535);
    }

    static ValueType integer(long min, long max) {
        return new IntegerType(min, max, false);
    }

    static ValueType longInteger(long min, long max) {
        return new IntegerType(min, max, true);
    }

    static ValueType bool() {
        return new BoolType();
    }

    static ValueType string() {
        return new StringType(true);
    }

    static ValueType nonEmptyString() {
        return new StringType(false);
    }

    static ValueType hostPortList() {
        return new ListType("a list of host:port (port 1..65535)", ListType::isHostPort);
    }

    /** A list of strings each passing {@code entryOk}. */
    static ValueType stringList(String expected, java.util.function.Predicate<String> entryOk) {
        return new ListType(expected, entryOk);
    }

    /** A list of IP addresses / CIDR blocks (literal, never resolved). */
    static ValueType networkList() {
        return new ListType("a list of IP addresses or CIDR blocks", entry -> {
            try {
                org.estuary.core.net.AddressFilter.parse(List.of(entry));
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        });
    }

    /** "" or an http:// / https:// URL with a host. */
    static ValueType httpUrlOrEmpty() {
        return new StringType(true) {
            @Override
            String expected() {
                return "\"\" or an http:// or https:// URL";
            }

            @Override
            Object parse(Object raw) throws BadValue {
                String v = (String) super.parse(raw);
                if (v.isEmpty()) {
                    return v;
                }
                try {
                    java.net.URI u = new java.net.URI(v);
                    if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                        return v;
                    }
                } catch (java.net.URISyntaxException e) {
                    // falls through to the error naming what is expected
                }
                throw bad(raw);
            }
        };
    }

    static <E extends Enum<E>> ValueType oneOf(Class<E> type) {
        return new EnumType<>(type);
    }

    /** One or more constants of {@code type}: a YAML list or a comma-separated string ("origin,edge"). */
    static <E extends Enum<E>> ValueType someOf(Class<E> type) {
        return new EnumListType<>(type);
    }

    private static final class IntegerType extends ValueType {
        private final long min;
        private final long max;
        private final boolean asLong;

        IntegerType(long min, long max, boolean asLong) {
            this.min = min;
            this.max = max;
            this.asLong = asLong;
        }

        @Override
        String expected() {
            return "an integer " + min + ".." + max;
        }

        @Override
        Object parse(Object raw) throws BadValue {
            BigInteger value;
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
                value = BigInteger.valueOf(((Number) raw).longValue());
            } else if (raw instanceof BigInteger big) {
                value = big;
            } else if (raw instanceof String s) {
                try {
                    value = new BigInteger(s.trim());
                } catch (NumberFormatException e) {
                    throw bad(raw);
                }
            } else {
                throw bad(raw); // doubles, booleans, lists, maps, null
            }
            if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
                throw bad(raw);
            }
            return asLong ? (Object) value.longValue() : (Object) value.intValue();
        }
    }

    private static final class BoolType extends ValueType {
        @Override
        String expected() {
            return "true or false";
        }

        @Override
        Object parse(Object raw) throws BadValue {
            if (raw instanceof Boolean b) {
                return b;
            }
            if (raw instanceof String s) {
                String t = s.trim().toLowerCase(Locale.ROOT);
                if (t.equals("true") || t.equals("false")) {
                    return Boolean.valueOf(t);
                }
            }
            throw bad(raw);
        }
    }

    private static class StringType extends ValueType {
        private final boolean allowEmpty;

        StringType(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
        }

        @Override
        String expected() {
            return allowEmpty ? "a string" : "a non-empty string";
        }

        @Override
        Object parse(Object raw) throws BadValue {
            String value;
            if (raw instanceof String s) {
                value = s;
            } else if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
                value = raw.toString(); // e.g. "id: 42" in YAML
            } else {
                throw bad(raw);
            }
            if (!allowEmpty && value.isBlank()) {
                throw bad(raw);
            }
            return value;
        }
    }

    /** A list of strings each passing a check; from a string, comma-separated (so ESTUARY_CLUSTER_MEMBERS=a:1,b:2 works). */
    private static final class ListType extends ValueType {
        private final String expected;
        private final java.util.function.Predicate<String> entryOk;

        ListType(String expected, java.util.function.Predicate<String> entryOk) {
            this.expected = expected;
            this.entryOk = entryOk;
        }

        @Override
        String expected() {
            return expected;
        }

        @Override
        Object parse(Object raw) throws BadValue {
            List<?> entries;
            if (raw instanceof List<?> list) {
                entries = list;
            } else if (raw instanceof String s) {
                entries = s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList();
            } else if (raw == null) {
                entries = List.of(); // "key:" with nothing after it in YAML
            } else {
                throw bad(raw);
            }
            List<String> result = new ArrayList<>();
            for (Object entry : entries) {
                if (!(entry instanceof String s) || !entryOk.test(s)) {
                    throw new BadValue("expected " + expected() + ", got " + describe(entry) + " in " + describe(raw));
                }
                result.add(s);
            }
            return List.copyOf(result);
        }

        private static boolean isHostPort(String s) {
            int colon = s.lastIndexOf(':'); // last, so "[::1]:5701" works too
            if (colon <= 0 || s.substring(0, colon).isBlank()) {
                return false;
            }
            try {
                int port = Integer.parseInt(s.substring(colon + 1));
                return port >= 1 && port <= 65_535;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    private static final class EnumType<E extends Enum<E>> extends ValueType {
        private final Class<E> type;

        EnumType(Class<E> type) {
            this.type = type;
        }

        @Override
        String expected() {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(EnumType::lower).collect(Collectors.joining("|"));
        }

        @Override
        Object parse(Object raw) throws BadValue {
            if (raw instanceof String s) {
                for (E constant : type.getEnumConstants()) {
                    if (lower(constant).equals(s.trim().toLowerCase(Locale.ROOT))) {
                        return constant;
                    }
                }
            }
            throw bad(raw);
        }

        @Override
        Object toYaml(Object value) {
            return lower((Enum<?>) value);
        }

        private static String lower(Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT);
        }
    }

    /** A non-empty, duplicate-free list of enum constants; written back as one comma-separated string. */
    private static final class EnumListType<E extends Enum<E>> extends ValueType {
        private final EnumType<E> one;

        EnumListType(Class<E> type) {
            this.one = new EnumType<>(type);
        }

        @Override
        String expected() {
            return "one or more (comma-separated) of " + one.expected().substring("one of ".length());
        }

        @Override
        Object parse(Object raw) throws BadValue {
            List<?> entries;
            if (raw instanceof List<?> list) {
                entries = list;
            } else if (raw instanceof String s) {
                entries = Arrays.stream(s.split(",")).map(String::trim).toList();
            } else {
                throw bad(raw);
            }
            List<Object> result = new ArrayList<>();
            for (Object entry : entries) {
                Object constant;
                try {
                    constant = one.parse(entry);
                } catch (BadValue e) {
                    throw bad(raw);
                }
                if (!result.contains(constant)) {
                    result.add(constant);
                }
            }
            if (result.isEmpty()) {
                throw bad(raw);
            }
            return List.copyOf(result);
        }

        @Override
        Object toYaml(Object value) {
            return ((List<?>) value).stream().map(one::toYaml).map(String::valueOf).collect(Collectors.joining(","));
        }
    }
}
