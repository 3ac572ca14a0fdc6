package org.estuary.verticles.agent;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.estuary.core.control.ApiStatus;

/**
 * The {@code find}/{@code find_all} vocabulary every feature shares: a field filter that an
 * absent query field lets through, {@code offset}/{@code size} paging, and the reply that is a
 * JSON array or a 404 when nothing matched.
 */
public final class Find {
    private Find() { }

    /** True when the query leaves {@code field} out (or empty) or gives exactly {@code value}. */
    public static boolean eq(Body q, String field, Object value) {
        String want = q.string(field);
        return want == null || want.isEmpty() || want.equals(String.valueOf(value));
    }

    /** {@link #eq} ignoring case (statuses). */
    public static boolean eqIgnoreCase(Body q, String field, Object value) {
        String want = q.string(field);
        return want == null || want.isEmpty() || want.equalsIgnoreCase(String.valueOf(value));
    }

    /** The {@code offset}/{@code size} window of {@code all}; a 400 when either is negative. */
    public static <T> List<T> page(List<T> all, Body q) {
        int offset = q.integer("offset", 0);
        int size = q.integer("size", Integer.MAX_VALUE);
        if (offset < 0 || size < 0) {
            throw ControlError.badRequest("offset and size must not be negative");
        }
        List<T> out = new ArrayList<>();
        for (int i = offset; i < all.size() && out.size() < size; i++) {
            out.add(all.get(i));
        }
        return out;
    }

    /** Replies {@code found} as an array, or fails 404 with {@code notFound} when it is empty. */
    public static void reply(Message<?> m, Collection<JsonObject> found, String notFound) {
        if (found.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, notFound);
            return;
        }
        JsonArray out = new JsonArray();
        found.forEach(out::add);
        m.reply(out);
    }
}
