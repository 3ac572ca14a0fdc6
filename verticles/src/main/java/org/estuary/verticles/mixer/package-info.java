/**
 * The stream mixer ({@code /mixer/*}): several hub streams composed into one output stream.
 * Each {@link org.estuary.verticles.mixer.Mixer} owns one worker thread that decodes its inputs,
 * lays them out ({@link org.estuary.verticles.mixer.MixerLayout}), mixes their audio and encodes
 * the output on its own clock; the {@link org.estuary.verticles.mixer.MixerVerticle} only routes
 * REST calls, the user#room auto-mixing and the load test.
 */
package org.estuary.verticles.mixer;
