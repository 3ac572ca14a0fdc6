/**
 * Stream snapshots: decodes one H.264 keyframe with JCodec (pure Java, no native code) and
 * encodes the picture as PNG. Blocking and CPU-bound: callers run it on a worker thread.
 */
package org.estuary.media.snapshot;
