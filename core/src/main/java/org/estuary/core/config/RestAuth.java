package org.estuary.core.config;

/** How REST and ops callers authenticate: not at all, HTTP Basic (rest.users) or bearer tokens (rest.tokens). */
public enum RestAuth { NONE, BASIC, BEARER }
