package org.estuary.core.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA array (marker 0x08). A distinct type only so that a decoded value re-encodes
 * with the same marker: some peers (e.g. onMetaData readers) care about the difference.
 */
public class AmfEcmaArray extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public AmfEcmaArray() {
    }

    public AmfEcmaArray(Map<String, ?> values) {
        super(values);
    }
}
