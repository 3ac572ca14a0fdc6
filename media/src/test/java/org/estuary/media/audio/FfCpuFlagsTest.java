package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FfCpuFlagsTest {
    @Test
    void explicitSettingsWin() {
        assertTrue(FfCpuFlags.slowGather("true"));
        assertTrue(FfCpuFlags.slowGather(" TRUE "));
        assertFalse(FfCpuFlags.slowGather("false"));
    }

    @Test
    void vendorFromCpuinfo() {
        assertTrue(FfCpuFlags.cpuVendorIsAmd("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n"));
        assertFalse(FfCpuFlags.cpuVendorIsAmd("processor\t: 0\nvendor_id\t: GenuineIntel\n"));
        assertFalse(FfCpuFlags.cpuVendorIsAmd(""));
    }
}
