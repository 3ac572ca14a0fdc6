package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.estuary.core.fuzz.MutationFuzzer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every REST body passes {@link RequestValidator} before it reaches a feature: hostile JSON ends
 * in a {@link RequestValidator.ValidationException} (a 400 naming the problem), never in another
 * exception (which would be a 500). Each input is checked against every method of the API.
 */
@Tag("fuzz")
class RequestValidatorFuzzTest {
    private static final List<ApiMethod> METHODS = List.copyOf(ApiMethods.METHODS.values());

    @Test
    void jsonBodies() {
        MutationFuzzer f = new MutationFuzzer("rest-json", in -> {
            var body = RequestValidator.parse(Buffer.buffer(in));
            for (ApiMethod m : METHODS) {
                try {
                    RequestValidator.validate(m, body);
                } catch (RequestValidator.ValidationException refused) {
                    // a 400 naming the field: fine
                }
            }
        }, RequestValidator.ValidationException.class);
        for (String seed : List.of(
                "{\"uri\":\"rtmp://127.0.0.1/live/a\",\"localStreamName\":\"x\",\"hasAudio\":true,\"record\":\"true\"}",
                "{\"name\":\"cam\",\"mediaSessionId\":\"abc\",\"offset\":0,\"size\":10,\"config\":{\"rotation\":\"20M\"}}",
                "{\"streamName\":\"s\",\"rtmpUrl\":\"rtmp://h/app\",\"options\":[1,2.5,null,{\"a\":[]}],\"keepAlive\":-1e308}",
                "[\"not an object\"]", "")) {
            f.seed(seed.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(f.run() > 0);
    }
}
