/**
 * The agent kit: what every feature verticle shares, so a new feature is its own protocol or
 * media logic plus these pieces (DESIGN.md §4b; walk-through in {@code docs/agent-kit.md}).
 *
 * <ul>
 *   <li>{@link org.estuary.verticles.agent.Control} registers the verticle's REST methods on the
 *       event bus; handlers get a {@link org.estuary.verticles.agent.Body} (the JSON body read
 *       once, lenient typed getters, 400s naming the field) and throw
 *       {@link org.estuary.verticles.agent.ControlError} (the one control failure, carrying the HTTP
 *       status) for anything wrong.</li>
 *   <li>Request records ({@code XxxRequest.from(body)}) cross the clustered bus with
 *       {@link org.estuary.verticles.agent.RecordCodec} ({@link org.estuary.verticles.agent.Records}
 *       maps them to JSON).</li>
 *   <li>Reading a stream by name across republishes is {@link org.estuary.core.stream.StreamFollower}
 *       (in core); keeping a connection to a far end is
 *       {@link org.estuary.verticles.agent.Reconnector} over
 *       {@link org.estuary.verticles.agent.ReconnectBackoff}.</li>
 *   <li>{@link org.estuary.verticles.agent.MediaFiles} resolves file names from requests inside the
 *       media directory only; {@link org.estuary.verticles.agent.Find} filters, pages and answers
 *       {@code find}/{@code find_all}.</li>
 * </ul>
 *
 * A feature package imports {@code core}, {@code media}, this kit and its own classes, never
 * another feature package.
 */
package org.estuary.verticles.agent;
