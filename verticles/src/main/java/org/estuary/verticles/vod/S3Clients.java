package org.estuary.verticles.vod;

import java.net.URI;
import org.estuary.core.config.VodConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the S3 client of the {@code vod} section: endpoint, region, keys or the AWS chain, path style. */
final class S3Clients {
    private S3Clients() { }

    static S3Client build(VodConfig c) {
        AwsCredentialsProvider credentials = c.s3StaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(c.s3AccessKeyId(), c.s3SecretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        var b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(c.s3Region()))
                .credentialsProvider(credentials)
                .forcePathStyle(c.s3PathStyle())
                // ranged reads carry no whole-object checksum; only compute/validate where S3 requires it
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!c.s3Endpoint().isEmpty()) {
            b.endpointOverride(URI.create(c.s3Endpoint()));
        }
        return b.build();
    }
}
