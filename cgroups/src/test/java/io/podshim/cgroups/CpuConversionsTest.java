package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuConversionsTest {

    @Test
    void sharesFollowKubeletWithItsMinimumAndMaximum() {
        assertEquals(2, CpuConversions.shares(0), "no request");
        assertEquals(2, CpuConversions.shares(1), "1m would be 1 share: below the minimum");
        assertEquals(102, CpuConversions.shares(100));
        assertEquals(1024, CpuConversions.shares(1000));
        assertEquals(262144, CpuConversions.shares(1_000_000), "capped");
    }

    @Test
    void quotaIsAHundredMicrosecondsPerMillicoreWithAFloor() {
        assertEquals(1000, CpuConversions.quota(1), "1m would be 100 µs: below the 1 ms minimum");
        assertEquals(1000, CpuConversions.quota(10));
        assertEquals(20_000, CpuConversions.quota(200));
        assertEquals(250_000, CpuConversions.quota(2500));
    }

    @Test
    void weightMapsTheSharesRangeOntoTheWeightRangeLinearly() {
        assertEquals(1, CpuConversions.weight(2));
        assertEquals(10000, CpuConversions.weight(262144));
        assertEquals(39, CpuConversions.weight(1024));
        assertEquals(1, CpuConversions.weight(0), "clamped like the shares");
    }
}
