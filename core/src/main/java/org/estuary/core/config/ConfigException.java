package org.estuary.core.config;

import java.util.List;

/** Invalid configuration or command line; carries every problem found, one message each. */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One message per problem, each starting with the key (or argument) it is about. */
    public List<String> problems() {
        return problems;
    }
}
