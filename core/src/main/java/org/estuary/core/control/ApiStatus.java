package org.estuary.core.control;

/**
 * HTTP statuses that control-plane replies carry as their failure code. A feature verticle fails
 * a request with {@code message.fail(ApiStatus.NOT_FOUND, "Stream not found: cam1")}; the REST
 * verticle answers that status with a JSON body holding the message.
 */
public final class ApiStatus {
    private ApiStatus() { }

    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int CONFLICT = 409;
    public static final int INTERNAL = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int UNAVAILABLE = 503;

    /** True for codes a reply may carry as an HTTP status. */
    public static boolean isHttp(int code) {
        return code >= 400 && code <= 599;
    }
}
