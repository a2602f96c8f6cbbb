package io.podshim.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * For tests that only mean something on a cgroup v2 host: skipped with the reason elsewhere, but a
 * failure where {@code PODSHIM_REQUIRE_CGROUP_V2=1} says v2 must be there (the VM rung, vm/run.sh),
 * so the v2 rung can never pass by skipping what it exists to run.
 */
public final class CgroupV2 {
    static final String REQUIRE = "PODSHIM_REQUIRE_CGROUP_V2";

    private CgroupV2() {}

    /** @param missing why this host cannot run the test, or null if it can */
    public static void assumeAvailable(String missing) {
        if (missing == null) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException(REQUIRE + "=1 but this cgroup v2 test cannot run: " + missing);
        }
        Assumptions.abort(missing);
    }
}
