/**
 * Resource limits of a node (the {@code limits} config section): connection counts and rates per
 * client address, REST request rates, agents of each kind. Protocol code asks {@link
 * org.estuary.core.limits.Limits} before it takes a resource and refuses in its own protocol's
 * words when told to; every refusal is counted for {@code /metrics}. Thread-safe, no I/O.
 */
package org.estuary.core.limits;
