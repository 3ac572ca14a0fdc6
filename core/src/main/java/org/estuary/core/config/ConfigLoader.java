package org.estuary.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds the effective {@link ServerConfig}: defaults, then the YAML file, then {@code ESTUARY_*}
 * environment variables, then {@code --set section.key=value} overrides (later wins). Every
 * problem of every layer is collected and thrown together, so one run shows all mistakes.
 */
public final class ConfigLoader {

    /** Environment variables prefix; every variable with it must name a key. */
    public static final String ENV_PREFIX = "ESTUARY_";

    /** ESTUARY_* variables a launcher script may use for itself; not configuration keys. */
    private static final Set<String> ENV_RESERVED = Set.of("ESTUARY_HOME", "ESTUARY_OPTS");

    private static final Map<String, String> KEY_BY_ENV = keysByEnvName();

    private ConfigLoader() { }

    /**
     * @param fileOrNull YAML file to merge over the defaults, or null for none
     * @param env        environment (usually {@code System.getenv()}); only {@code ESTUARY_*} entries are read
     * @param sets       overrides as "section.key=value", applied in order
     */
    public static ServerConfig load(Path fileOrNull, Map<String, String> env, List<String> sets) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = ConfigSchema.flatten(ServerConfig.defaults());
        if (fileOrNull != null) {
            mergeFile(fileOrNull, values, problems);
        }
        mergeEnv(env, values, problems);
        mergeSets(sets, values, problems);
        ServerConfig config = ConfigSchema.build(values);
        CrossChecks.check(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static void mergeFile(Path file, Map<String, Object> values, List<String> problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            problems.add(file + ": cannot read: " + e);
            return;
        }
        mergeYaml(text, file.toString(), values, problems);
    }

    /** Merges YAML text; {@code source} names it in messages. */
    static void mergeYaml(String text, String source, Map<String, Object> values, List<String> problems) {
        Object document;
        try {
            document = safeYaml().load(text);
        } catch (YAMLException e) {
            problems.add(source + ": not valid YAML: " + e.getMessage().replaceAll("\\s+", " ").trim());
            return;
        }
        if (document == null) {
            return; // empty file: nothing to override
        }
        if (!(document instanceof Map<?, ?> sections)) {
            problems.add(source + ": expected a map of sections, got " + ValueType.describe(document));
            return;
        }
        String where = " (in " + source + ")";
        for (Map.Entry<?, ?> section : sections.entrySet()) {
            String sectionName = String.valueOf(section.getKey());
            if (!ConfigSchema.sections().contains(sectionName)) {
                problems.add(sectionName + ": unknown section" + hint(sectionName, ConfigSchema.sections()) + where);
                continue;
            }
            if (section.getValue() == null) {
                continue; // "metrics:" with nothing under it
            }
            if (!(section.getValue() instanceof Map<?, ?> keys)) {
                problems.add(sectionName + ": expected a map of keys, got " + ValueType.describe(section.getValue()) + where);
                continue;
            }
            for (Map.Entry<?, ?> entry : keys.entrySet()) {
                set(sectionName + "." + entry.getKey(), entry.getValue(), where, values, problems);
            }
        }
    }

    private static void mergeEnv(Map<String, String> env, Map<String, Object> values, List<String> problems) {
        // Sorted so that messages come out in a stable order.
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ENV_PREFIX) || ENV_RESERVED.contains(name)) {
                continue;
            }
            String key = KEY_BY_ENV.get(name);
            if (key == null) {
                problems.add(name + ": unknown environment variable" + hint(name, KEY_BY_ENV.keySet()));
                continue;
            }
            set(key, entry.getValue(), " (from environment " + name + ")", values, problems);
        }
    }

    private static void mergeSets(List<String> sets, Map<String, Object> values, List<String> problems) {
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                problems.add("--set " + set + ": expected section.key=value");
                continue;
            }
            set(set.substring(0, eq).trim(), set.substring(eq + 1), " (from --set)", values, problems);
        }
    }

    /** Parses one raw value into {@code values}, or records why it cannot. */
    private static void set(String key, Object raw, String where, Map<String, Object> values, List<String> problems) {
        ValueType type = ConfigSchema.type(key);
        if (type == null) {
            problems.add(key + ": unknown key" + hint(key, ConfigSchema.keys()) + where);
            return;
        }
        try {
            values.put(key, type.parse(raw));
        } catch (ValueType.BadValue e) {
            problems.add(key + ": " + e.getMessage() + where);
        }
    }

    private static String hint(String unknown, java.util.Collection<String> candidates) {
        return ConfigSchema.suggest(unknown, candidates).map(s -> " (did you mean " + s + "?)").orElse("");
    }

    /** A parser that builds only plain maps, lists and scalars, and refuses alias bombs and duplicate keys. */
    private static Yaml safeYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(1024 * 1024); // a configuration file has no business being larger
        return new Yaml(new SafeConstructor(options));
    }

    private static Map<String, String> keysByEnvName() {
        Map<String, String> byEnv = new HashMap<>();
        for (String key : ConfigSchema.keys()) {
            byEnv.put(ConfigSchema.envName(key), key);
        }
        return Map.copyOf(byEnv);
    }
}
