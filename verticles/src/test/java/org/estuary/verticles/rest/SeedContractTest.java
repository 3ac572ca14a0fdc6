package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The seed list, the router's method table and docs/openapi.yaml describe the same API: no
 * method missing anywhere, nothing extra except the known aliases.
 */
class SeedContractTest {
    private static List<SeedFile.Entry> seed;
    private static Map<String, Object> openApi;

    @BeforeAll
    static void load() throws IOException {
        seed = SeedFile.read(SeedFile.locate());
        try (InputStream in = Files.newInputStream(OpenApiGenerator.OUTPUT)) {
            openApi = new Yaml().load(in);
        }
    }

    @Test
    void repoCopyOfSeedMatchesSharedCopy() throws IOException {
        assertTrue(Files.exists(SeedFile.REPO_COPY), "docs/seed-rest-api.txt must be committed");
        // shared/ exists beside the repo in the workspace and in CI; a bare clone has only the repo copy
        if (Files.exists(SeedFile.SHARED_COPY)) {
            assertArrayEquals(Files.readAllBytes(SeedFile.SHARED_COPY), Files.readAllBytes(SeedFile.REPO_COPY),
                "docs/seed-rest-api.txt differs from ../shared/seed-rest-api.txt");
        }
    }

    @Test
    void seedIsParsed() {
        assertTrue(seed.size() > 100, "expected the full seed list, got " + seed.size());
        assertEquals(seed.size(), seedPaths().size(), "duplicate seed paths");
    }

    @Test
    void methodTableHasExactlyTheSeedMethods() {
        assertEquals(new ArrayList<>(seedPaths()), new ArrayList<>(ApiMethods.METHODS.keySet()));
    }

    @Test
    void everySeedParamIsAKnownFieldAndVoidMeansParameterless() {
        for (SeedFile.Entry entry : seed) {
            ApiMethod method = ApiMethods.METHODS.get(entry.path());
            assertEquals(entry.parameterless(), method.parameterless(), entry.path() + " parameterless");
            for (String param : entry.params()) {
                assertTrue(method.fields().containsKey(param), entry.path() + " lacks seed param " + param);
            }
        }
    }

    @Test
    void aliasesPointAtSeedMethodsAndAreNotSeedPaths() {
        ApiMethods.ALIASES.forEach((alias, canonical) -> {
            assertTrue(ApiMethods.METHODS.containsKey(canonical), alias + " → " + canonical);
            assertFalse(ApiMethods.METHODS.containsKey(alias), alias + " is itself a seed path");
        });
        assertEquals("/mpepts/startup", ApiMethods.ALIASES.get("/mpegts/startup"));
        assertEquals("/cdn/stream/show_routes", ApiMethods.ALIASES.get("/cdn/stream/show_stream_routes"));
        assertEquals("/call/inject_stream/startup", ApiMethods.ALIASES.get("/call/inject_stream"));
        assertEquals(4, ApiMethods.ALIASES.keySet().stream().filter(a -> a.startsWith("/mpegts/")).count());
    }

    @Test
    void openApiHasExactlySeedPathsAndAliases() {
        Set<String> expected = new LinkedHashSet<>(seedPaths());
        expected.addAll(ApiMethods.ALIASES.keySet());
        assertEquals(expected, new LinkedHashSet<>(paths().keySet()));
        assertEquals("3.0.3", openApi.get("openapi"));
    }

    @Test
    void openApiOperationsMatchTheMethodTable() {
        paths().forEach((path, item) -> {
            ApiMethod method = ApiMethods.find(path).orElseThrow();
            Map<String, Object> pathItem = cast(item);
            assertNotNull(pathItem.get("post"), path + " POST");
            assertEquals(method.parameterless(), pathItem.containsKey("get"), path + " GET iff parameterless");
            Map<String, Object> schema = cast(dig(pathItem, "post", "requestBody", "content", "application/json",
                "schema"));
            Object required = schema.get("required");
            assertEquals(new ArrayList<>(method.required().keySet()), required == null ? List.of() : required,
                path + " required fields");
            Map<String, Object> props = schema.containsKey("properties") ? cast(schema.get("properties")) : Map.of();
            assertEquals(new ArrayList<>(method.fields().keySet()), new ArrayList<>(props.keySet()), path + " fields");
            method.fields().forEach((name, type) ->
                assertEquals(OpenApiSchemas.fieldSchema(type), props.get(name), path + " field " + name));
        });
    }

    @Test
    void openApiDocumentsSeedErrorsPlus400And501() {
        for (SeedFile.Entry entry : seed) {
            Map<String, Object> responses = cast(dig(paths(), entry.path(), "post", "responses"));
            Set<String> codes = responses.keySet();
            assertTrue(codes.contains("200"), entry.path());
            assertTrue(codes.contains("400"), entry.path());
            assertTrue(codes.contains("501"), entry.path());
            entry.errors().keySet().forEach(code ->
                assertTrue(codes.contains(String.valueOf(code)), entry.path() + " documents " + code));
        }
    }

    @Test
    void openApiHasTheResponseObjects() {
        Map<String, Object> schemas = cast(dig(openApi, "components", "schemas"));
        for (String name : List.of("Stream", "Connection", "Transponder", "RtmpAgent", "RtspAgent", "Mixer",
                "Recorder", "MultipleRecorder", "Transcoder", "VOD", "HLS", "HLSProfile", "HLSSubscriber", "MpegTs",
                "Call", "CDNNode", "CDNRoute", "PullAgent", "Participant", "MixerTest", "Error")) {
            assertTrue(schemas.containsKey(name), "components.schemas." + name);
        }
        // every $ref resolves
        String yaml = new Yaml().dump(openApi);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#/components/schemas/(\\w+)").matcher(yaml);
        while (m.find()) {
            assertTrue(schemas.containsKey(m.group(1)), "dangling $ref " + m.group(1));
        }
    }

    @Test
    void openApiOnClasspathIsTheDocsFile() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RestRouter.OPENAPI_RESOURCE)) {
            assertNotNull(in, "the build must copy docs/openapi.yaml to the classpath");
            assertArrayEquals(Files.readAllBytes(OpenApiGenerator.OUTPUT), in.readAllBytes());
        }
    }

    private static Set<String> seedPaths() {
        Set<String> paths = new LinkedHashSet<>();
        seed.forEach(e -> paths.add(e.path()));
        return paths;
    }

    private static Map<String, Object> paths() {
        return cast(openApi.get("paths"));
    }

    private static Object dig(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            assertNotNull(node, "missing " + key);
            node = ((Map<?, ?>) node).get(key);
        }
        assertNotNull(node, "missing " + String.join(".", keys));
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
