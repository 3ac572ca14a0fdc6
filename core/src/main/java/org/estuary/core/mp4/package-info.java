/** MP4 (ISO-BMFF): reading a progressive file's index for VOD playback, and writing recordings. */
package org.estuary.core.mp4;
