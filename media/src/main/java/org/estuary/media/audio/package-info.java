/**
 * Audio building blocks for the media pipelines: one codec family, {@code AudioDecoder} and
 * {@code AudioEncoder}, for every audio codec of the hub (AAC, Opus, G.711), and resampling (FFmpeg via bytedeco, each wrapper
 * owning and freeing its native objects), PCM mixing and WAV reading (pure Java). PCM is exchanged
 * as planar float arrays {@code [channel][sample]} in -1..1. The FFmpeg wrappers block and must be
 * used from a worker thread, never an event loop; an instance is not thread safe.
 */
package org.estuary.media.audio;
