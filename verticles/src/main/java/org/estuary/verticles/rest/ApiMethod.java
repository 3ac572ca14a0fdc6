package org.estuary.verticles.rest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One REST method of the seed list: its path (e.g. {@code /push/startup}), the request fields a
 * client cannot omit, the optional ones, and whether it takes no parameters at all (those also
 * answer GET, because the reference JS client sends GET without a body for them).
 *
 * @param path      canonical seed path, without the {@code /rest-api} prefix
 * @param required  required field name → type, in seed order
 * @param optional  optional field name → type, in seed order
 * @param parameterless true when the seed's Params column is {@code void}
 */
public record ApiMethod(String path, Map<String, FieldType> required, Map<String, FieldType> optional,
                        boolean parameterless) {

    public ApiMethod {
        required = Collections.unmodifiableMap(new LinkedHashMap<>(required));
        optional = Collections.unmodifiableMap(new LinkedHashMap<>(optional));
    }

    /** All known fields, required first. */
    public Map<String, FieldType> fields() {
        Map<String, FieldType> all = new LinkedHashMap<>(required);
        all.putAll(optional);
        return Collections.unmodifiableMap(all);
    }

    /** Event-bus address that serves this method. */
    public String address() {
        return org.estuary.core.control.Addresses.api(path);
    }
}
