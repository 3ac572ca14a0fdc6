package org.estuary.verticles;

import java.util.concurrent.TimeUnit;
import org.estuary.core.config.CommandLine;
import org.estuary.core.config.ConfigException;
import org.estuary.core.config.ServerConfig;

/**
 * {@code java -jar estuary.jar [--conf FILE] [--set section.key=value ...]}: starts one node and
 * prints where it listens. Exit code 2 for a bad command line or configuration, 1 when start-up
 * fails (e.g. a port is taken). Ctrl-C stops the node cleanly.
 */
public final class Main {
    private Main() { }

    /**
     * SIGINT (Ctrl-C) and SIGTERM stop the node cleanly and exit 0; a second signal while stopping
     * exits at once. Handling the signals ourselves (rather than only a shutdown hook) is what lets
     * a clean stop report success instead of 130/143.
     */
    private static void installStopSignals(EstuaryServer server, long timeoutMs) {
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler handler = sig -> {
            if (!stopping.compareAndSet(false, true)) {
                System.err.println("estuary: second " + sig.getName() + ", exiting now");
                Runtime.getRuntime().halt(1);
            }
            Thread t = new Thread(() -> {
                System.out.println("estuary: SIG" + sig.getName() + " received, stopping");
                server.stop().toCompletionStage().toCompletableFuture()
                        .completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS).join();
                System.out.println("estuary: stopped");
                System.exit(0);
            }, "estuary-stop");
            t.start();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    }

    public static void main(String[] args) {
        // Before the first logger exists: Vert.x logs through SLF4J, Logback reads the bundled config.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "conf/logback.xml");
        }
        System.setProperty("java.awt.headless", "true");
        System.setProperty("hazelcast.logging.type", "slf4j");

        ServerConfig config;
        try {
            CommandLine cl = CommandLine.parse(args);
            if (cl.help()) {
                System.out.println(CommandLine.USAGE);
                return;
            }
            config = cl.load(System.getenv());
            if (cl.printConfig()) {
                System.out.print(config.toYaml());
                return;
            }
        } catch (ConfigException e) {
            System.err.println("estuary: configuration error:");
            for (String p : e.problems()) {
                System.err.println("  " + p);
            }
            System.exit(2);
            return;
        }

        EstuaryServer server = new EstuaryServer(config);
        try {
            server.start().toCompletionStage().toCompletableFuture().get(config.node().startupTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.err.println("estuary: start-up failed: " + (e instanceof java.util.concurrent.TimeoutException
                    ? "not finished within node.startupTimeoutMs (" + config.node().startupTimeoutMs() + " ms)"
                    : cause.getMessage()));
            server.stop().toCompletionStage().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
            System.exit(1);
            return;
        }
        System.out.println(server.describeListeners());
        System.out.flush();
        installStopSignals(server, config.node().shutdownTimeoutMs());
    }
}
