package io.podshim.cgroups;

import java.nio.file.Path;

/** v2 cpu: cpu.weight from the request (see {@link CpuConversions#weight}), cpu.max from the limit. */
final class CpuV2 implements Controller {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("cpu.weight"), CpuConversions.weight(CpuConversions.shares(limits.cpuRequestMilli())));
        String quota = limits.cpuLimitMilli() == null ? "max" : Long.toString(CpuConversions.quota(limits.cpuLimitMilli()));
        CgroupFiles.write(dir.resolve("cpu.max"), quota + " " + CpuConversions.PERIOD_US);
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        Long micros = CgroupFiles.readKeyed(dir.resolve("cpu.stat")).get("usage_usec");
        stats.cpuUsageNanos = micros == null ? -1 : micros * 1000;
    }
}
