/**
 * Stream recording to MP4: {@code /recorder/*} and {@code /stream/startRecording|stopRecording}
 * (one stream per file, rotation, post-record hook), {@code /multipleRecorder/*} (several streams,
 * one track per input, in one file) and the {@code /records/} HTTP listing and download.
 * File I/O runs on the verticle's own executor, one serial lane per recorder, never on an event loop.
 */
package org.estuary.verticles.record;
