package org.estuary.verticles.agent;

import io.vertx.core.eventbus.Message;
import org.estuary.core.control.ApiStatus;

/**
 * The one failure of a control request (DESIGN.md §1): the HTTP status the REST answer carries
 * (400, 404, 409, 500...) and a message naming what is wrong. Thrown anywhere while serving a
 * request, on the event loop or a worker thread; {@link Control} and {@link #reply} turn it into
 * {@code message.fail(status, message)}. Carries no stack trace: it is an answer, not a bug.
 */
public final class ControlError extends RuntimeException {
    private final int status;

    public ControlError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ControlError badRequest(String message) {
        return new ControlError(ApiStatus.BAD_REQUEST, message);
    }

    public static ControlError notFound(String message) {
        return new ControlError(ApiStatus.NOT_FOUND, message);
    }

    public static ControlError conflict(String message) {
        return new ControlError(ApiStatus.CONFLICT, message);
    }

    public static ControlError internal(String message) {
        return new ControlError(ApiStatus.INTERNAL, message);
    }

    /** The HTTP status for any failure: its own for a ControlError, 500 for anything else. */
    public static int status(Throwable t) {
        return t instanceof ControlError c ? c.status : ApiStatus.INTERNAL;
    }

    /**
     * Fails {@code m} with {@code e}: a {@link ControlError} keeps its status, anything else is a
     * 500 carrying its message (for futures that failed on a worker thread).
     */
    public static void reply(Message<?> m, Throwable e) {
        if (e instanceof ControlError c) {
            m.fail(c.status, c.getMessage());
        } else {
            m.fail(ApiStatus.INTERNAL, String.valueOf(e.getMessage()));
        }
    }
}
