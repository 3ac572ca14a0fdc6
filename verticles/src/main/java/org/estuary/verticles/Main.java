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
            server.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.err.println("estuary: start-up failed: " + cause.getMessage());
            server.stop().toCompletionStage().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
            System.exit(1);
            return;
        }
        System.out.println(server.describeListeners());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("estuary: stopping");
            server.stop().toCompletionStage().toCompletableFuture()
                    .completeOnTimeout(null, config.node().shutdownTimeoutMs(), TimeUnit.MILLISECONDS).join();
            System.out.println("estuary: stopped");
        }, "estuary-shutdown"));
    }
}
