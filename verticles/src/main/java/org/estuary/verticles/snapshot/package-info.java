/** {@code /stream/snapshot}: the next (or cached) keyframe of a stream decoded to a base64 PNG on a worker thread. */
package org.estuary.verticles.snapshot;
