package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Regenerates docs/openapi.yaml on request ({@code -Destuary.openapi.write=true}). */
class OpenApiGeneratorTest {

    @Test
    void generatesEveryMethod() {
        String yaml = OpenApiGenerator.generate(SeedFile.read(SeedFile.locate()));
        assertTrue(yaml.contains("/stream/find_all:"));
        assertTrue(yaml.contains("/mpegts/startup:"));
    }

    @Test
    @EnabledIfSystemProperty(named = "estuary.openapi.write", matches = "true")
    void writeDocsOpenApi() throws Exception {
        OpenApiGenerator.write(SeedFile.read(SeedFile.locate()));
    }
}
