/**
 * Audio building blocks for the media pipelines: AAC decode/encode ({@code AacDecoder},
 * {@code AacEncoder}), AAC/Opus/G.711 decode/encode for any of the hub's audio codecs
 * ({@code AudioDecoder}, {@code AudioEncoder}) and resampling (FFmpeg via bytedeco, each wrapper
 * owning and freeing its native objects), PCM mixing and WAV reading (pure Java). PCM is exchanged
 * as planar float arrays {@code [channel][sample]} in -1..1. The FFmpeg wrappers block and must be
 * used from a worker thread, never an event loop; an instance is not thread safe.
 */
package org.estuary.media.audio;
