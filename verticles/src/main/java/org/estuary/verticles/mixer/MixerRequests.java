package org.estuary.verticles.mixer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.estuary.core.control.ApiStatus;
import org.estuary.media.video.WatermarkPlacement;
import org.estuary.verticles.agent.ControlError;

/** Reading mixer request fields: URIs, flexible booleans/integers, stream selectors, placements. */
final class MixerRequests {
    static final String SCHEME = "mixer://";

    private MixerRequests() { }

    /** The mixer name of a {@code mixer://name} URI, or a 400. */
    static String mixerName(String uri) {
        if (uri == null || !uri.startsWith(SCHEME) || uri.length() == SCHEME.length()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "uri must look like mixer://name, got " + uri);
        }
        String name = uri.substring(SCHEME.length());
        if (!name.matches("[A-Za-z0-9_.\\-]{1,128}")) {
            throw new ControlError(ApiStatus.BAD_REQUEST,
                    "mixer name must be 1..128 letters, digits, '_', '-' or '.', got " + name);
        }
        return name;
    }

    static boolean bool(Object v, boolean dflt) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s.equalsIgnoreCase("true");
        }
        return dflt;
    }

    /** An integer field given as a number or numeric string, or {@code dflt} when absent. */
    static int integer(JsonObject b, String field, int dflt) {
        Object v = b.getValue(field);
        if (v == null) {
            return dflt;
        }
        try {
            if (v instanceof Number n) {
                if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                return n.intValue();
            }
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "Field '" + field + "' must be an integer, got " + v);
        }
    }

    /** Input names chosen by {@code streams}: an array of names, a regex string, or absent (all). */
    static List<MixerInput> select(Mixer mixer, Object streams) {
        List<MixerInput> out = new ArrayList<>();
        if (streams == null) {
            out.addAll(mixer.inputs());
        } else if (streams instanceof JsonArray names) {
            for (Object n : names) {
                MixerInput in = mixer.find(String.valueOf(n));
                if (in != null) {
                    out.add(in);
                }
            }
        } else {
            Pattern p;
            try {
                p = Pattern.compile(streams.toString());
            } catch (PatternSyntaxException e) {
                throw new ControlError(ApiStatus.BAD_REQUEST, "streams is not a valid regex: " + e.getDescription());
            }
            for (MixerInput in : mixer.inputs()) {
                if (p.matcher(in.streamName).matches()) {
                    out.add(in);
                }
            }
        }
        return out;
    }

    static WatermarkPlacement placement(JsonObject b) {
        WatermarkPlacement p = new WatermarkPlacement(integer(b, "x", 0), integer(b, "y", 0), integer(b, "marginTop", 0),
                integer(b, "marginLeft", 0), integer(b, "marginBottom", 0), integer(b, "marginRight", 0));
        String problem = p.problem();
        if (problem != null) {
            throw new ControlError(ApiStatus.BAD_REQUEST, problem);
        }
        return p;
    }
}
