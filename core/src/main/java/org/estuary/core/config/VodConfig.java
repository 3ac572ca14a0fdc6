package org.estuary.core.config;

/**
 * Files played as live streams ({@code /vod/*}); the files come from {@code media.directory}.
 *
 * @param leadMs samples are published this far ahead of their wall-clock time, so readers never starve
 */
public record VodConfig(long leadMs) {

    public static VodConfig defaults() {
        return new VodConfig(100);
    }
}
