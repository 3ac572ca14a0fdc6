/**
 * A pure-Java MP4 (ISO BMFF) recorder format: {@link org.estuary.core.mp4.Mp4RecordingFile} writes
 * fragments (moof + mdat) while recording, so a killed process leaves a playable file, and on
 * {@code finish()} turns the same file into a regular progressive MP4 in place (a full moov with
 * stts/ctts/stsz/stsc/stco/stss is appended and the fragment headers become {@code free} boxes).
 * No threads, sockets or Vert.x here: the caller serialises calls.
 */
package org.estuary.core.mp4;
