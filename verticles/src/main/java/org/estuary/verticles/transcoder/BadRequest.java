package org.estuary.verticles.transcoder;

/** A request value that cannot work; the message names it and goes back with status 400. */
final class BadRequest extends Exception {
    BadRequest(String message) {
        super(message, null, false, false);
    }
}
