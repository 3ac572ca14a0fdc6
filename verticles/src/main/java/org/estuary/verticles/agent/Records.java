package org.estuary.verticles.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Control records to and from JSON, component by component, so a request record can cross the
 * clustered event bus ({@link RecordCodec}) without a hand-written mapping. Components may be
 * text, booleans, whole and decimal numbers, enums, JSON objects/arrays and other records.
 */
public final class Records {
    private Records() { }

    public static JsonObject toJson(Record r) {
        JsonObject o = new JsonObject();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
            o.put(c.getName(), toJsonValue(v));
        }
        return o;
    }

    private static Object toJsonValue(Object v) {
        if (v instanceof Record nested) {
            return toJson(nested);
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        return v;
    }

    public static <R extends Record> R fromJson(JsonObject o, Class<R> type) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = fromJsonValue(o.getValue(cs[i].getName()), cs[i].getType(), cs[i].getName());
        }
        try {
            Constructor<R> k = type.getDeclaredConstructor(Arrays.stream(cs).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
            k.setAccessible(true);
            return k.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalArgumentException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fromJsonValue(Object v, Class<?> t, String name) {
        if (t == boolean.class) {
            return v instanceof Boolean b && b;
        }
        if (t == int.class || t == long.class || t == double.class) {
            Number n = v instanceof Number x ? x : 0;
            return t == int.class ? (Object) n.intValue() : t == long.class ? (Object) n.longValue() : n.doubleValue();
        }
        if (v == null) {
            return null;
        }
        if (t == Integer.class) {
            return ((Number) v).intValue();
        }
        if (t == Long.class) {
            return ((Number) v).longValue();
        }
        if (t == Double.class) {
            return ((Number) v).doubleValue();
        }
        if (t.isEnum()) {
            return Enum.valueOf((Class<Enum>) t, v.toString());
        }
        if (t.isRecord()) {
            return fromJson((JsonObject) v, (Class<Record>) t);
        }
        if (t == JsonObject.class || t == JsonArray.class || t == String.class || t == Boolean.class) {
            return t.cast(v);
        }
        throw new IllegalArgumentException("component " + name + " has a type records cannot carry: " + t.getName());
    }
}
