/**
 * The typed server configuration: one immutable record per section, built from defaults, the YAML
 * file, {@code ESTUARY_*} environment variables and {@code --set} overrides by {@link org.estuary.core.config.ConfigLoader},
 * which validates everything in one pass and reports all problems together.
 */
package org.estuary.core.config;
