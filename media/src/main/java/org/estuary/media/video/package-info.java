/**
 * Video building blocks on bytedeco FFmpeg: {@link org.estuary.media.video.VideoDecoder} (H.264,
 * H.265, VP8, VP9, AV1 hub frames → {@link org.estuary.media.video.DecodedPicture}),
 * {@link org.estuary.media.video.VideoScaler}, {@link org.estuary.media.video.VideoEncoder}
 * (pictures → hub frames, H.264 as length-prefixed NAL units plus an avcC config frame),
 * {@link org.estuary.media.video.Watermark} blending in YUV 4:2:0,
 * {@link org.estuary.media.video.FrameRateConverter}, and {@link org.estuary.media.video.VideoStages}
 * to chain them in a {@link org.estuary.media.pipeline.Pipeline}. No bytedeco type appears in a
 * public signature. Every wrapper owns its native objects and frees them in {@code close()}; they
 * block and are not thread safe, so one worker thread owns each of them (never an event loop).
 */
package org.estuary.media.video;
