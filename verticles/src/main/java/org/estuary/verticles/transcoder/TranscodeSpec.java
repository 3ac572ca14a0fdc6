package org.estuary.verticles.transcoder;

import io.vertx.core.json.JsonObject;
import org.estuary.core.media.Codec;

/**
 * A validated transcoder request.
 *
 * @param width        output width, or 0 to follow the source's aspect ratio from {@code height}
 * @param height       output height, or 0 to follow the source's aspect ratio from {@code width}
 *                     (both 0: the source size)
 * @param encoderName  FFmpeg H.264 encoder, null = the build's default
 * @param audioCodec   output audio codec; null = pass the source audio through unchanged
 * @param audioRate    output sample rate, 0 = the source's
 * @param audioBitrate output audio bitrate in bit/s
 * @param watermark    watermark file name in the media directory, or null
 * @param encoder      the request's encoder object, echoed in find
 * @param keyFrameAlignMs key frames at the media times that are multiples of this (0 = every
 *                     {@code keyFrameInterval} pictures instead); transcoders of the same source
 *                     then cut at the same times (the renditions of adaptive HLS)
 */
record TranscodeSpec(String uri, boolean v2, String remoteStreamName, String localStreamName,
                     int width, int height, int fps, int keyFrameInterval, int bitrateKbps, String encoderName,
                     Codec audioCodec, int audioRate, int audioBitrate, String watermark, JsonObject encoder,
                     int keyFrameAlignMs) { }
