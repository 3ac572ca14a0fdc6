package org.estuary.verticles.sip;

/**
 * A request problem carried back as its HTTP status. Kept minimal so it can move onto the agent
 * kit's control-error type once that lands.
 */
final class CallFailure extends RuntimeException {
    final int status;

    CallFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
