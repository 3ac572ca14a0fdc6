package org.estuary.verticles.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.estuary.core.config.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TLS settings for its servers: HTTPS options with ALPN (HTTP/2, else HTTP/1.1), TLS
 * options for raw TCP servers (RTMPS), and a file watch that hands renewed certificates to every
 * server that registered, without a restart. Existing connections keep their session; new
 * handshakes use the new certificate.
 */
public final class TlsServers {
    private static final Logger LOG = LoggerFactory.getLogger(TlsServers.class);

    private final TlsConfig config;
    private final List<Function<ServerSSLOptions, Future<Boolean>>> servers = new CopyOnWriteArrayList<>();
    private volatile String stamp;

    public TlsServers(TlsConfig config) {
        this.config = config;
        this.stamp = stamp();
    }

    public TlsConfig config() {
        return config;
    }

    private PemKeyCertOptions keyCert() {
        return new PemKeyCertOptions().setCertPath(config.certFile()).setKeyPath(config.keyFile());
    }

    /** {@code base} with TLS on and HTTP/2 offered over ALPN (clear-text h2c stays off). */
    public HttpServerOptions https(HttpServerOptions base) {
        return base.setSsl(true).setKeyCertOptions(keyCert()).setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }

    /** {@code base} with TLS on, for a raw TCP protocol (RTMPS). */
    public NetServerOptions tls(NetServerOptions base) {
        return base.setSsl(true).setKeyCertOptions(keyCert());
    }

    /** Registers a started server's {@code updateSSLOptions} so renewed files reach it. */
    public void register(Function<ServerSSLOptions, Future<Boolean>> updateSslOptions) {
        servers.add(updateSslOptions);
    }

    /** Starts the periodic check of the two files (off the event loop: a stat is a system call on a maybe slow disk). */
    public long watch(Vertx vertx) {
        return vertx.setPeriodic(config.reloadCheckMs(), id -> vertx.executeBlocking(this::stamp, false)
                .onSuccess(now -> {
                    if (!now.equals(stamp)) {
                        stamp = now;
                        reload();
                    }
                }));
    }

    private void reload() {
        ServerSSLOptions options = new ServerSSLOptions().setKeyCertOptions(keyCert());
        for (var server : servers) {
            // force: the paths are the same, the contents changed
            server.apply(options).onComplete(ar -> {
                if (ar.succeeded()) {
                    LOG.info("TLS certificate {} reloaded", config.certFile());
                } else {
                    LOG.warn("TLS certificate {} could not be reloaded (the previous one stays in use): {}",
                            config.certFile(), ar.cause().toString());
                }
            });
        }
    }

    /** Size and modification time of both files; a renewal changes at least one. */
    private String stamp() {
        return describe(config.certFile()) + "|" + describe(config.keyFile());
    }

    private static String describe(String file) {
        try {
            Path p = Path.of(file);
            return Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
        } catch (IOException | RuntimeException e) {
            return "missing";
        }
    }
}
