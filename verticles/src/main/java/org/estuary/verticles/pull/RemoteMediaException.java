package org.estuary.verticles.pull;

/** Why a {@link RemoteMedia} session could not start, with the HTTP-like status of the cause. */
public final class RemoteMediaException extends RuntimeException {
    private final int status;

    public RemoteMediaException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
