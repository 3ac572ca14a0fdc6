package org.estuary.cluster;

/** A CDN request that cannot be done, with the HTTP status the REST answer carries (404, 409, ...). */
public final class CdnException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public CdnException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
