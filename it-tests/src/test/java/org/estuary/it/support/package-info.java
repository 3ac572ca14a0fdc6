/** Test support: the real server jar as a process, free ports, and the ffmpeg/ffprobe peers. */
package org.estuary.it.support;
