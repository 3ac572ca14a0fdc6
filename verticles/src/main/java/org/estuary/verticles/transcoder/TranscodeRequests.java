package org.estuary.verticles.transcoder;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.estuary.core.config.TranscoderConfig;
import org.estuary.core.media.Codec;
import org.estuary.media.video.VideoEncoders;
import org.estuary.verticles.agent.ControlError;

/** Turns a startup body into a {@link TranscodeSpec}, refusing values no encoder could honour. */
final class TranscodeRequests {
    private TranscodeRequests() { }

    /** With the built-in defaults of the transcoder section. */
    static TranscodeSpec parse(JsonObject b, boolean v2) {
        return parse(b, v2, TranscoderConfig.defaults());
    }

    /** Encoder fields the request leaves out take {@code config}'s defaults. */
    static TranscodeSpec parse(JsonObject b, boolean v2, TranscoderConfig config) {
        String scheme = v2 ? "transcoder2://" : "transcoder://";
        String uri = b.getString("uri", "").trim();
        if (!uri.startsWith(scheme) || uri.length() == scheme.length()
                || !uri.substring(scheme.length()).matches("[A-Za-z0-9._-]{1,64}")) {
            throw ControlError.badRequest("uri must look like " + scheme + "<id> (letters, digits, . _ -), got \"" + uri + "\"");
        }
        String remote = b.getString("remoteStreamName", "").trim();
        String local = b.getString("localStreamName", "").trim();
        if (remote.isEmpty() || local.isEmpty()) {
            throw ControlError.badRequest("remoteStreamName and localStreamName must not be empty");
        }
        JsonObject e = b.getJsonObject("encoder", new JsonObject());
        int width = integer(e, "width", 0);
        int height = integer(e, "height", 0);
        if (width < 0 || height < 0 || width > 4096 || height > 4096) {
            throw ControlError.badRequest("encoder size " + width + "x" + height + " is outside 0..4096 (0 = follow the source)");
        }
        if ((width != 0 && width < 16) || (height != 0 && height < 16)) {
            throw ControlError.badRequest("encoder size " + width + "x" + height + " is below 16 pixels");
        }
        // 4:2:0 needs even sizes: round odd requests down rather than refuse a common typo
        width &= ~1;
        height &= ~1;
        int fps = integer(e, "fps", config.defaultFps());
        if (fps < 1 || fps > 120) {
            throw ControlError.badRequest("encoder fps " + fps + " is outside 1..120");
        }
        int gop = integer(e, "keyFrameInterval", config.defaultKeyFrameInterval());
        if (gop < 1 || gop > 3600) {
            throw ControlError.badRequest("encoder keyFrameInterval " + gop + " is outside 1..3600 frames");
        }
        int bitrate = integer(e, "bitrate", 0);
        if (bitrate < 0 || bitrate > 100_000) {
            throw ControlError.badRequest("encoder bitrate " + bitrate + " kbps is outside 10..100000");
        }
        if (bitrate != 0 && bitrate < 10) {
            throw ControlError.badRequest("encoder bitrate " + bitrate + " kbps is below 10");
        }
        int align = integer(e, "keyFrameAlignMs", 0);
        if (align < 0 || align > 60_000 || (align != 0 && align < 100)) {
            throw ControlError.badRequest("encoder keyFrameAlignMs " + align + " is outside 100..60000 (0 = off)");
        }
        String encoderName = encoderName(e.getValue("type"));
        if (v2) {
            String videoCodec = string(e, "videoCodec", "H264");
            if (!videoCodec.equalsIgnoreCase("H264")) {
                throw ControlError.badRequest("encoder videoCodec \"" + videoCodec + "\" is not supported (H264)");
            }
        }
        Codec audio = null;
        int audioRate = 0;
        int audioBitrate = 0;
        if (v2) {
            String name = string(e, "audioCodec", null);
            if (name != null) {
                audio = switch (name.toLowerCase(Locale.ROOT)) {
                    case "mpeg4-generic", "aac" -> Codec.AAC;
                    case "opus" -> Codec.OPUS;
                    case "pcma" -> Codec.PCMA;
                    case "pcmu" -> Codec.PCMU;
                    default -> throw ControlError.badRequest("encoder audioCodec \"" + name
                            + "\" is not supported (mpeg4-generic, opus, PCMA, PCMU)");
                };
            }
            audioRate = integer(e, "audioRate", 0);
            if (audioRate != 0 && (audioRate < 8000 || audioRate > 96000)) {
                throw ControlError.badRequest("encoder audioRate " + audioRate + " is outside 8000..96000");
            }
            audioBitrate = integer(e, "audioBitrate", 0);
            if (audioBitrate != 0 && (audioBitrate < 6000 || audioBitrate > 512_000)) {
                throw ControlError.badRequest("encoder audioBitrate " + audioBitrate + " is outside 6000..512000 bit/s");
            }
        }
        String watermark = string(e, "watermark", null);
        if (watermark != null && watermark.isBlank()) {
            watermark = null;
        }
        return new TranscodeSpec(uri, v2, remote, local, width, height, fps, gop, bitrate, encoderName,
                audio, audioRate, audioBitrate, watermark, e.copy(), align);
    }

    /** The reference API names encoders by type ("OPENH264"); FFmpeg names are accepted too. */
    private static String encoderName(Object type) {
        if (type == null) {
            return null;
        }
        String t = String.valueOf(type).trim();
        String name = switch (t.toUpperCase(Locale.ROOT)) {
            case "", "DEFAULT" -> null;
            case "OPENH264", "LIBOPENH264" -> VideoEncoders.OPENH264;
            case "X264", "LIBX264" -> VideoEncoders.X264;
            default -> throw ControlError.badRequest("encoder type \"" + t + "\" is unknown (OPENH264 or X264)");
        };
        if (name != null && !VideoEncoders.available(name)) {
            throw ControlError.badRequest("encoder type \"" + t + "\" is not in this build"
                    + (name.equals(VideoEncoders.X264) ? " (x264 needs the gpl Maven profile)" : ""));
        }
        return name;
    }

    private static int integer(JsonObject o, String key, int dflt) {
        Object v = o.getValue(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                throw ControlError.badRequest("encoder " + key + " must be a whole number, got " + v);
            }
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException ex) {
            throw ControlError.badRequest("encoder " + key + " must be a number, got \"" + v + "\"");
        }
    }

    private static String string(JsonObject o, String key, String dflt) {
        Object v = o.getValue(key);
        return v == null ? dflt : String.valueOf(v).trim();
    }
}
