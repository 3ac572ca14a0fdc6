package org.estuary.core.config;

import java.util.Objects;

/**
 * Files played as live streams ({@code /vod/*}); the files come from {@code media.directory}, or
 * from an S3 bucket for {@code vod-live://s3/<bucket>/<key>}.
 *
 * @param leadMs            samples are published this far ahead of their wall-clock time, so readers never starve
 * @param s3Endpoint        S3 endpoint URL ({@code http(s)://host:port}); "" = AWS's own endpoint for {@code s3Region}
 * @param s3Region          signing region
 * @param s3AccessKeyId     access key; "" = the standard AWS credentials chain (environment, profile, instance role)
 * @param s3SecretAccessKey secret key going with {@code s3AccessKeyId}
 * @param s3PathStyle       path-style requests ({@code endpoint/bucket/key}) rather than virtual-hosted buckets
 * @param s3ReadBlockBytes  bytes fetched per ranged GET (the reader keeps one block and reads ahead)
 */
public record VodConfig(long leadMs, String s3Endpoint, String s3Region, String s3AccessKeyId, String s3SecretAccessKey,
                        boolean s3PathStyle, int s3ReadBlockBytes) {

    public VodConfig {
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(s3Region, "s3Region");
        Objects.requireNonNull(s3AccessKeyId, "s3AccessKeyId");
        Objects.requireNonNull(s3SecretAccessKey, "s3SecretAccessKey");
    }

    public static VodConfig defaults() {
        return new VodConfig(100, "", "us-east-1", "", "", true, 1 << 20);
    }

    /** Without configured keys the standard AWS credentials chain is asked. */
    public boolean s3StaticCredentials() {
        return !s3AccessKeyId.isEmpty();
    }

    @Override
    public String toString() {
        // keep the secret out of logs
        return "VodConfig[leadMs=" + leadMs + ", s3Endpoint=" + s3Endpoint + ", s3Region=" + s3Region
                + ", s3AccessKeyId=" + s3AccessKeyId + ", s3PathStyle=" + s3PathStyle + ", s3ReadBlockBytes=" + s3ReadBlockBytes + "]";
    }
}
