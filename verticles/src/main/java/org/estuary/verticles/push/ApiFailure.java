package org.estuary.verticles.push;

/** A request problem found off the event loop (file checks, DNS), carried back as its HTTP status. */
final class ApiFailure extends RuntimeException {
    final int status;

    ApiFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
