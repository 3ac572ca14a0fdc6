package org.estuary.core.control;

/**
 * Event-bus headers by which the REST layer and a feature verticle agree on a compressed answer.
 *
 * <p>Why: {@code /stream/find_all} on a node with 1,000 streams answers ~680 kB of JSON, and a
 * dashboard polling it moves that over the network per request (RestFindBenchmark: the answer size,
 * not the server's work, capped it at ~1,200 req/s on 2 cores). A verticle that keeps a shared
 * answer can compress it once and hand the same gzip bytes to every client that accepts them; the
 * REST layer never compresses per request.
 */
public final class ReplyEncoding {
    private ReplyEncoding() { }

    /** Request header, value {@code "true"}: the HTTP client accepts {@code Content-Encoding: gzip}. */
    public static final String ACCEPTS_GZIP = "estuary-accepts-gzip";

    /** Reply header naming the encoding of a {@code Buffer} body ({@code "gzip"}); absent for identity. */
    public static final String CONTENT_ENCODING = "estuary-content-encoding";

    /** The only encoding used. */
    public static final String GZIP = "gzip";

    /**
     * Whether an {@code Accept-Encoding} value allows gzip: a {@code gzip} (or {@code *}) coding
     * without {@code q=0} (RFC 9110 §12.5.3).
     */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < fields.length; i++) {
                String p = fields[i].trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
                if (p.startsWith("q=")) {
                    refused = p.substring(2).matches("0(\\.0{0,3})?");
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }
}
