/**
 * The stream mixer ({@code /mixer/*}): several hub streams composed into one output stream.
 * Each {@link org.estuary.verticles.mixer.Mixer} owns one worker thread and a media graph declared
 * once on {@code media.pipeline} stages: {@link org.estuary.verticles.mixer.MixerClock clock} →
 * {@link org.estuary.verticles.mixer.InputDecoding decode} → video tick →
 * {@link org.estuary.verticles.mixer.CompositeStage composite} (layout
 * {@link org.estuary.verticles.mixer.MixerLayout}, avatars, labels, watermark) → encodeVideo, and
 * audio tick → {@link org.estuary.verticles.mixer.MixStage mix} →
 * {@link org.estuary.verticles.mixer.AacEncodeStage encodeAudio}, both into the output stream.
 * The {@link org.estuary.verticles.mixer.MixerVerticle} only translates REST calls (plus the
 * user#room auto-mixing and the load test); {@link org.estuary.verticles.mixer.MixerJson} renders
 * the REST view.
 */
package org.estuary.verticles.mixer;
