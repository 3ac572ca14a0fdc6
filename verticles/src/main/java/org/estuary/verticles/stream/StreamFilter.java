package org.estuary.verticles.stream;

import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/** The filters {@code /stream/find} and {@code /stream/terminate} accept, applied to Stream objects. */
final class StreamFilter {
    private StreamFilter() { }

    static Predicate<JsonObject> of(JsonObject q) {
        Predicate<JsonObject> p = o -> true;
        p = p.and(eq(q, "name", "name"));
        p = p.and(eq(q, "mediaSessionId", "mediaSessionId"));
        p = p.and(eq(q, "sessionId", "sessionId"));
        p = p.and(eq(q, "status", "status"));
        p = p.and(eq(q, "appKey", "appKey"));
        p = p.and(eq(q, "appKeyName", "appKey"));
        if (q.getValue("published") != null) {
            boolean want = Boolean.parseBoolean(String.valueOf(q.getValue("published")));
            p = p.and(o -> o.getBoolean("published") == want);
        }
        return p;
    }

    private static Predicate<JsonObject> eq(JsonObject q, String queryKey, String field) {
        Object want = q.getValue(queryKey);
        if (want == null) {
            return o -> true;
        }
        String w = String.valueOf(want);
        return o -> w.equals(String.valueOf(o.getValue(field)));
    }
}
