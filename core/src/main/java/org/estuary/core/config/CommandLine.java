package org.estuary.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's command line.
 *
 * @param confFile    the {@code --conf} file, or null when none was given
 * @param sets        the {@code --set} overrides as "section.key=value", in order
 * @param help        {@code --help}: print {@link #USAGE} and exit
 * @param printConfig {@code --print-config}: print the effective configuration as YAML and exit
 */
public record CommandLine(Path confFile, List<String> sets, boolean help, boolean printConfig) {

    public static final String USAGE =
            "usage: estuary [--conf FILE] [--set section.key=value]... [--print-config] [--help]";

    public CommandLine {
        sets = List.copyOf(sets);
    }

    /** Parses {@code args}; any unknown or incomplete argument fails with a message ending in the usage line. */
    public static CommandLine parse(String[] args) throws ConfigException {
        Path conf = null;
        List<String> sets = new ArrayList<>();
        boolean help = false;
        boolean printConfig = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null; // the value of "--option=value"
            String option = arg;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                option = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (option) {
                case "--conf" -> {
                    if (conf != null) {
                        throw usage("--conf given twice");
                    }
                    String value = inline != null ? inline : next(args, ++i, "--conf");
                    if (value.isBlank()) {
                        throw usage("--conf needs a file");
                    }
                    conf = Path.of(value);
                }
                case "--set" -> {
                    String value = inline != null ? inline : next(args, ++i, "--set");
                    if (value.indexOf('=') <= 0) {
                        throw usage("--set " + value + ": expected section.key=value");
                    }
                    sets.add(value);
                }
                case "--help", "-h" -> help = flag(inline, arg);
                case "--print-config" -> printConfig = flag(inline, arg);
                default -> throw usage("unknown argument " + ValueType.describe(arg));
            }
        }
        return new CommandLine(conf, sets, help, printConfig);
    }

    /** Loads the configuration this command line asks for: {@link ConfigLoader#load} with its file and sets. */
    public ServerConfig load(Map<String, String> env) throws ConfigException {
        return ConfigLoader.load(confFile, env, sets);
    }

    private static String next(String[] args, int i, String option) throws ConfigException {
        if (i >= args.length) {
            throw usage(option + " needs a value");
        }
        return args[i];
    }

    private static boolean flag(String inline, String arg) throws ConfigException {
        if (inline != null) {
            throw usage(arg + ": takes no value");
        }
        return true;
    }

    private static ConfigException usage(String problem) {
        return new ConfigException(problem + "; " + USAGE);
    }
}
