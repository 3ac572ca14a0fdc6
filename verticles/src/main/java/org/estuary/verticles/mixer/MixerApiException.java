package org.estuary.verticles.mixer;

/** A request problem, carried to the REST answer as its HTTP status and message. */
final class MixerApiException extends RuntimeException {
    final int status;

    MixerApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
