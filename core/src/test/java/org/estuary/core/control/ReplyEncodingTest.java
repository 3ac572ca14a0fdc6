package org.estuary.core.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplyEncodingTest {
    @Test
    void gzipIsAcceptedWhenListedOrWildcardedWithoutQZero() {
        assertTrue(ReplyEncoding.acceptsGzip("gzip"));
        assertTrue(ReplyEncoding.acceptsGzip("gzip, deflate, br")); // Chromium's
        assertTrue(ReplyEncoding.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
        assertTrue(ReplyEncoding.acceptsGzip("*"));
        assertTrue(ReplyEncoding.acceptsGzip("x-gzip"));
    }

    @Test
    void gzipIsRefusedWhenAbsentOrGivenQZero() {
        assertFalse(ReplyEncoding.acceptsGzip(null));
        assertFalse(ReplyEncoding.acceptsGzip(""));
        assertFalse(ReplyEncoding.acceptsGzip("identity"));
        assertFalse(ReplyEncoding.acceptsGzip("br, deflate"));
        assertFalse(ReplyEncoding.acceptsGzip("gzip;q=0"));
        assertFalse(ReplyEncoding.acceptsGzip("gzip; q=0.000, identity"));
        assertFalse(ReplyEncoding.acceptsGzip("gzipped"));
    }
}
