/**
 * MP4 (ISO-BMFF): reading a progressive file's index for VOD playback, and writing recordings that
 * are fragmented while they grow (so a crash loses seconds, not the file) and finalised with a
 * full index when they stop.
 */
package org.estuary.core.mp4;
