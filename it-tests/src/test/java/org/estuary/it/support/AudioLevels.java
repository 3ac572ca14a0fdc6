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

    private static final Pattern BAND_MEAN = Pattern.compile("Parsed_volumedetect_(\\d+)[^\\n]*mean_volume: (-?[0-9.]+|-inf) dB");

    /**
     * Mean volumes in dB in 50 Hz wide bands around each of {@code hz}, from one read of
     * {@code seconds} of the audio at {@code url} (one connection instead of one per band).
     */
    public static double[] bandVolumes(String url, int seconds, int... hz) throws IOException, InterruptedException {
        StringBuilder graph = new StringBuilder("asplit=" + hz.length);
        for (int i = 0; i < hz.length; i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < hz.length; i++) {
            graph.append(";[s").append(i).append("]bandpass=f=").append(hz[i]).append(":width_type=h:w=50,bandpass=f=")
                    .append(hz[i]).append(":width_type=h:w=50,volumedetect[v").append(i).append(']');
        }
        graph.append(";");
        for (int i = 0; i < hz.length; i++) {
            graph.append("[v").append(i).append(']');
        }
        graph.append("amix=inputs=").append(hz.length);
        Peers.Result r = Peers.run(seconds + 30L, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-rw_timeout", "15000000",
                "-i", url, "-t", String.valueOf(seconds), "-vn", "-af", graph.toString(), "-f", "null", "-");
        // the volumedetect instances report in filter order (their parse indexes rise with i)
        java.util.TreeMap<Integer, Double> byIndex = new java.util.TreeMap<>();
        Matcher m = BAND_MEAN.matcher(r.output());
        while (m.find()) {
            byIndex.put(Integer.parseInt(m.group(1)), m.group(2).equals("-inf") ? -200 : Double.parseDouble(m.group(2)));
        }
        if (byIndex.size() != hz.length) {
            throw new AssertionError("no volumes measured from " + url + ": exit " + r.exitCode() + "\n" + tail(r.output()));
        }
        double[] out = new double[hz.length];
        int i = 0;
        for (double v : byIndex.values()) {
            out[i++] = v;
        }
        return out;
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
