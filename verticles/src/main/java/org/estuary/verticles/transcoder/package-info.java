/**
 * {@code /transcoder/*} and {@code /transcoder2/*}: re-encodes a local stream into a new local
 * stream (decode → scale → watermark → frame rate → H.264 encode, audio passed through or
 * re-encoded) with the building blocks of {@code org.estuary.media.video}. Each transcoder owns
 * one worker thread that does all FFmpeg work; the verticle's context only does control.
 */
package org.estuary.verticles.transcoder;
