/** Native media work (decode, encode, scale, mix) through bytedeco FFmpeg and JCodec; grows with the processing features. */
package org.estuary.media;
