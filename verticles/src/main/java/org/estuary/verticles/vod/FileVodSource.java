package org.estuary.verticles.vod;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An MP4 file from the media directory. */
final class FileVodSource implements VodSource {
    private final FileChannel ch;
    /** Written by the reading thread, read by find. */
    private volatile long bytesRead;

    FileVodSource(Path path) throws IOException {
        this.ch = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public long size() throws IOException {
        return ch.size();
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(dst, off, len);
        while (bb.hasRemaining()) {
            if (ch.read(bb, pos + bb.position() - off) < 0) {
                throw new IOException("file ends before byte " + (pos + len));
            }
        }
        bytesRead += len;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a read-only file
        }
    }
}
