package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avutil.AV_CPU_FLAG_SLOW_GATHER;
import static org.bytedeco.ffmpeg.global.avutil.av_force_cpu_flags;
import static org.bytedeco.ffmpeg.global.avutil.av_get_cpu_flags;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Tells FFmpeg when this CPU's AVX2 gathers are slow, so swscale picks its SSE4 horizontal scaler
 * instead of the AVX2 one built on {@code vpgatherdd}. Both give the same pixels (FFmpeg's checkasm
 * holds every SIMD version to the C reference; ScalerCpuFlagsTest checks it here), only the cost
 * differs. FFmpeg 7.1 sets the flag itself for old CPUs only; on the AMD EPYC (family 0x1a) of the
 * 2026-12-02 benchmarks the bicubic 1280x720 → 640x360 scale took 0.51 ms a picture with gathers
 * and 0.37 ms without. The flag also steers FFmpeg's FFT (audio) away from its gather kernel.
 *
 * <p>System property {@code estuary.ffmpeg.slowGather}: {@code auto} (default: on for AMD CPUs and
 * for Intel ones whose Gather Data Sampling mitigation makes gathers microcode-slow), {@code true},
 * {@code false}. Applied once, before the first codec or scaler context is made (FFmpeg chooses
 * its functions when a context is initialised).
 */
final class FfCpuFlags {
    static final String PROPERTY = "estuary.ffmpeg.slowGather";

    private FfCpuFlags() { }

    static void apply() {
        if (slowGather(System.getProperty(PROPERTY, "auto"))) {
            av_force_cpu_flags(av_get_cpu_flags() | AV_CPU_FLAG_SLOW_GATHER);
        }
    }

    static boolean slowGather(String setting) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> autoDetect();
        };
    }

    private static boolean autoDetect() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;   // the flag only means something to FFmpeg's x86 code
        }
        return cpuVendorIsAmd(read(Path.of("/proc/cpuinfo")))
                || read(Path.of("/sys/devices/system/cpu/vulnerabilities/gather_data_sampling")).startsWith("Mitigation");
    }

    static boolean cpuVendorIsAmd(String cpuinfo) {
        for (String line : cpuinfo.split("\n", 64)) {
            if (line.startsWith("vendor_id")) {
                return line.contains("AuthenticAMD");
            }
        }
        return false;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";   // not Linux, or no such file: nothing known
        }
    }
}
