package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.estuary.core.config.RestAuth;
import org.junit.jupiter.api.Test;

/** Credential checks and the CORS policy, without a server. */
class RestSecurityTest {

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerAcceptsOnlyConfiguredTokens() {
        RestSecurity s = new RestSecurity(RestAuth.BEARER, List.of(), List.of("tok-1", "tok-2"), true, "");
        assertTrue(s.authenticated("Bearer tok-1"));
        assertTrue(s.authenticated("bearer tok-2"), "the scheme is case-insensitive");
        assertFalse(s.authenticated("Bearer tok-3"));
        assertFalse(s.authenticated("Bearer tok-"));
        assertFalse(s.authenticated("Bearer "));
        assertFalse(s.authenticated("Bearer"));
        assertFalse(s.authenticated(basic("tok-1:tok-1")), "basic is not accepted in bearer mode");
        assertFalse(s.authenticated(null));
    }

    @Test
    void basicChecksUserAndPasswordAndSurvivesGarbage() {
        RestSecurity s = new RestSecurity(RestAuth.BASIC, List.of("admin:pa:ss", "ops:x"), List.of(), true, "");
        assertTrue(s.authenticated(basic("admin:pa:ss")), "a password may contain ':'");
        assertTrue(s.authenticated(basic("ops:x")));
        assertFalse(s.authenticated(basic("ops:y")));
        assertFalse(s.authenticated(basic("admin:x")), "another user's password");
        assertFalse(s.authenticated(basic("nobody:x")));
        assertFalse(s.authenticated(basic("ops")));
        assertFalse(s.authenticated("Basic !!!not-base64"));
        assertFalse(s.authenticated("Bearer x"));
    }

    @Test
    void corsPolicy() {
        assertTrue(RestSecurity.CorsPolicy.of("", false).allowAny(), "auth off, nothing configured: any origin");
        assertFalse(RestSecurity.CorsPolicy.of("", true).allowAny(), "auth on, nothing configured: no origin");
        assertFalse(RestSecurity.CorsPolicy.of("", true).allows("https://a.example"));
        assertTrue(RestSecurity.CorsPolicy.of("*", true).allowAny(), "explicit * stays *");
        RestSecurity.CorsPolicy list = RestSecurity.CorsPolicy.of("https://a.example, https://B.example", true);
        assertTrue(list.allows("https://a.example"));
        assertTrue(list.allows("https://b.example"));
        assertFalse(list.allows("https://c.example"));
        assertFalse(list.allows("https://a.example.evil.net"));
    }
}
