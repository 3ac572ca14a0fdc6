package org.estuary.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Renders a configuration as YAML (sections and keys in schema order) for {@code --print-config}. */
final class ConfigWriter {

    private ConfigWriter() { }

    static String toYaml(ServerConfig config) {
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        ConfigSchema.flatten(config).forEach((key, value) -> {
            int dot = key.indexOf('.');
            sections.computeIfAbsent(key.substring(0, dot), s -> new LinkedHashMap<>())
                    .put(key.substring(dot + 1), ConfigSchema.type(key).toYaml(value));
        });
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        return new Yaml(options).dump(sections);
    }
}
