/**
 * Tests of the REST verticle: the seed contract (method table, OpenAPI document and seed list
 * agree), router behaviour over real HTTP, and the generator of {@code docs/openapi.yaml}.
 */
package org.estuary.verticles.rest;
