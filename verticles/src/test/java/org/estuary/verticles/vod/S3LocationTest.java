package org.estuary.verticles.vod;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {

    @Test
    void bucketAndKeyAreSplitAtTheFirstSlash() {
        S3Location l = S3Location.parse("s3/my-media.bucket/dir/sub/clip 1.mp4");
        assertEquals("my-media.bucket", l.bucket());
        assertEquals("dir/sub/clip 1.mp4", l.key());
        assertEquals("s3://my-media.bucket/dir/sub/clip 1.mp4", l.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3/", "s3/bucket", "s3/bucket/", "s3//key.mp4", "s3/Bad_Bucket/k.mp4", "s3/ab/k.mp4",
            "s3/-bucket/k.mp4", "s3/bucket-/k.mp4", "s3/bu..cket/k.mp4", "s3/bucket/../k.mp4", "s3/bucket/a/./k.mp4",
            "s3/bucket/a//k.mp4", "s3/bucket/k.mp4/", "s3/bucket/a\u0000b.mp4", "s3/bucket/a\nb.mp4", "s3/bucket/a\\..\\b.mp4",
            "file.mp4"})
    void badNamesAreRefused(String path) {
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse(path));
    }

    @Test
    void keysAreLimitedTo1024Bytes() {
        assertDoesNotThrow(() -> S3Location.parse("s3/bucket/" + "a".repeat(1024)));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3/bucket/" + "é".repeat(513)));
    }
}
