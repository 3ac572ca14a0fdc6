/**
 * The in-process stream hub: one publisher per {@link org.estuary.core.stream.Stream}, a bounded
 * lock-free queue per {@link org.estuary.core.stream.StreamReader}, codec-config and GOP caches so
 * new readers start on a decodable picture, and the {@link org.estuary.core.stream.StreamRegistry}
 * that names streams.
 */
package org.estuary.core.stream;
