package org.estuary.verticles.vod;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An MP4 object in S3 read with ranged GETs, never downloaded whole: the MP4 index (wherever it
 * sits in the file) and then the samples are read through one cached block of
 * {@code vod.s3ReadBlockBytes}. Samples are read in file order as playback goes, so a block serves
 * many samples and the next request is made only when playback reaches it. The object's ETag from
 * the HEAD is sent with every GET ({@code If-Match}), so an object replaced during playback fails
 * the session instead of mixing two files. Blocking: worker or the session's own pacer thread.
 */
final class S3VodSource implements VodSource {
    private final S3Client s3;
    private final S3Location where;
    private final int blockBytes;
    private final long size;
    private final String etag;
    private byte[] block = new byte[0];
    private long blockStart = -1;
    /** Written by the reading thread, read by find. */
    private volatile long bytesRead;
    private long requests;

    /** HEADs the object. @throws NoSuchFileException when the bucket or key does not exist */
    S3VodSource(S3Client s3, S3Location where, int blockBytes) throws IOException {
        this.s3 = s3;
        this.where = where;
        this.blockBytes = blockBytes;
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(where.bucket()).key(where.key()));
            this.size = head.contentLength();
            this.etag = head.eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(where.toString());
            }
            throw new IOException("S3 HEAD " + where + " answered " + e.statusCode() + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 HEAD " + where + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) throws IOException {
        if (pos < 0 || pos + len > size) {
            throw new IOException("read past the end of " + where + " (" + size + " bytes)");
        }
        while (len > 0) {
            if (pos < blockStart || pos >= blockStart + block.length) {
                fetch(pos, len);
            }
            int at = (int) (pos - blockStart);
            int n = Math.min(len, block.length - at);
            System.arraycopy(block, at, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** One ranged GET from {@code pos}: a whole block, or the whole request when it is larger. */
    private void fetch(long pos, int wanted) throws IOException {
        long end = Math.min(size, pos + Math.max(blockBytes, wanted)) - 1;
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(where.bucket()).key(where.key())
                .range("bytes=" + pos + "-" + end);
        if (etag != null) {
            req.ifMatch(etag);
        }
        ResponseBytes<GetObjectResponse> got;
        try {
            got = s3.getObjectAsBytes(req.build());
        } catch (S3Exception e) {
            throw new IOException("S3 GET " + where + " answered " + e.statusCode() + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 GET " + where + " failed: " + e.getMessage(), e);
        }
        byte[] data = got.asByteArrayUnsafe();
        if (data.length != end - pos + 1) {
            // a server that ignores Range would send the whole object: refuse rather than misread it
            throw new IOException("S3 GET " + where + " bytes " + pos + "-" + end + " returned " + data.length + " bytes");
        }
        requests++;
        bytesRead += data.length;
        block = data;
        blockStart = pos;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    long requests() {
        return requests;
    }

    @Override
    public void close() {
        block = new byte[0];
        blockStart = -1;
    }
}
