/**
 * The REST front door: {@code /rest-api/<group>/<method>} on the REST port.
 *
 * <p>{@link org.estuary.verticles.rest.RestVerticle} owns the HTTP server. The router only
 * translates: it parses and validates the JSON body against {@link
 * org.estuary.verticles.rest.ApiMethods}, forwards it on the event bus to {@code
 * Addresses.api(path)} and turns the reply (or the failure) into the HTTP answer. Feature
 * verticles own all behaviour, including which status a lookup miss gets.
 */
package org.estuary.verticles.rest;
