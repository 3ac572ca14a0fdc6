/** Black-box HLS tests: ffmpeg publishes over RTMP, ffprobe and plain HTTP read the HLS port. */
package org.estuary.it.hls;
