package org.estuary.it.support;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loudness of live audio read with ffmpeg: whole band or one frequency band (volumedetect). */
public final class AudioLevels {
    private static final Pattern MEAN = Pattern.compile("mean_volume: (-?[0-9.]+|-inf) dB");

    private AudioLevels() { }

    /** Mean volume in dB of {@code seconds} of the audio at {@code url} (-inf gives -200). */
    public static double meanVolume(String url, int seconds) throws IOException, InterruptedException {
        return measure(url, seconds, "volumedetect");
    }

    /** Mean volume in dB in a 50 Hz wide band around {@code hz}. */
    public static double bandVolume(String url, int seconds, int hz) throws IOException, InterruptedException {
        return measure(url, seconds, "bandpass=f=" + hz + ":width_type=h:w=50,bandpass=f=" + hz
                + ":width_type=h:w=50,volumedetect");
    }

    private static double measure(String url, int seconds, String filter) throws IOException, InterruptedException {
        Peers.Result r = Peers.run(seconds + 30L, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-rw_timeout", "15000000",
                "-i", url, "-t", String.valueOf(seconds), "-vn", "-af", filter, "-f", "null", "-");
        Matcher m = MEAN.matcher(r.output());
        if (!m.find()) {
            throw new AssertionError("no volume measured from " + url + ": exit " + r.exitCode() + "\n" + tail(r.output()));
        }
        return m.group(1).equals("-inf") ? -200 : Double.parseDouble(m.group(1));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
