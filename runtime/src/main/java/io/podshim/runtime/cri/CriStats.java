package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.CgroupStats;
import io.podshim.cri.v1.ContainerAttributes;
import io.podshim.cri.v1.ContainerStats;
import io.podshim.cri.v1.CpuUsage;
import io.podshim.cri.v1.FilesystemIdentifier;
import io.podshim.cri.v1.FilesystemUsage;
import io.podshim.cri.v1.LinuxPodSandboxStats;
import io.podshim.cri.v1.MemoryUsage;
import io.podshim.cri.v1.NetworkInterfaceUsage;
import io.podshim.cri.v1.NetworkUsage;
import io.podshim.cri.v1.PodSandboxAttributes;
import io.podshim.cri.v1.PodSandboxStats;
import io.podshim.cri.v1.ProcessUsage;
import io.podshim.cri.v1.UInt64Value;
import io.podshim.runtime.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a container or sandbox has used, for kubelet's summary API and {@code crictl stats}: cpu
 * and memory from its cgroup, its writable layer's size, and a sandbox's network counters as its
 * network namespace's /proc/net/dev gives them. A counter the kernel does not offer is left unset.
 */
final class CriStats {
    private CriStats() {}

    static ContainerStats container(CriContainer c, CgroupManager cgroups) {
        long now = CriRuntime.nowNanos();
        ContainerStats.Builder stats = ContainerStats.newBuilder().setAttributes(ContainerAttributes.newBuilder().setId(c.id)
                .setMetadata(c.config.getMetadata()).putAllLabels(c.config.getLabelsMap()).putAllAnnotations(c.config.getAnnotationsMap()));
        usage(cgroups, c.cgroup, now, stats::setCpu, stats::setMemory);
        long written = 0;
        Path upper = c.bundle.resolve("upper");
        try {
            written = Files.isDirectory(upper) ? FileTrees.size(upper) : 0;
        } catch (IOException e) {
            // removed meanwhile: nothing written any more
        }
        stats.setWritableLayer(FilesystemUsage.newBuilder().setTimestamp(now)
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(c.bundle.toString()))
                .setUsedBytes(u(written)));
        return stats.build();
    }

    static PodSandboxStats sandbox(CriSandbox s, List<CriContainer> containers, CgroupManager cgroups) {
        long now = CriRuntime.nowNanos();
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        CgroupStats used = usage(cgroups, s.cgroup, now, linux::setCpu, linux::setMemory);
        if (used != null && used.pidsCurrent() >= 0) {
            linux.setProcess(ProcessUsage.newBuilder().setTimestamp(now).setProcessCount(u(used.pidsCurrent())));
        }
        if (s.handle != null) {
            linux.setNetwork(network(s.handle.sandbox().pausePid(), now));
        }
        containers.stream().filter(c -> c.state == io.podshim.cri.v1.ContainerState.CONTAINER_RUNNING)
                .forEach(c -> linux.addContainers(container(c, cgroups)));
        return PodSandboxStats.newBuilder().setAttributes(PodSandboxAttributes.newBuilder().setId(s.id)
                .setMetadata(s.config.getMetadata()).putAllLabels(s.config.getLabelsMap()).putAllAnnotations(s.config.getAnnotationsMap()))
                .setLinux(linux).build();
    }

    private static CgroupStats usage(CgroupManager cgroups, CgroupPath cgroup, long now,
                                     java.util.function.Consumer<CpuUsage> cpu, java.util.function.Consumer<MemoryUsage> memory) {
        if (!cgroups.exists(cgroup)) {
            return null;
        }
        CgroupStats used;
        try {
            used = cgroups.stats(cgroup);
        } catch (RuntimeException gone) {
            return null; // removed meanwhile
        }
        CpuUsage.Builder c = CpuUsage.newBuilder().setTimestamp(now);
        if (used.cpuUsageNanos() >= 0) {
            c.setUsageCoreNanoSeconds(u(used.cpuUsageNanos()));
        }
        cpu.accept(c.build());
        MemoryUsage.Builder m = MemoryUsage.newBuilder().setTimestamp(now);
        if (used.memoryUsageBytes() >= 0) {
            m.setUsageBytes(u(used.memoryUsageBytes())).setWorkingSetBytes(u(used.memoryUsageBytes()));
        }
        memory.accept(m.build());
        return used;
    }

    /** The pod's interfaces but lo, from /proc/PID/net/dev of a process in its network namespace (the pause). */
    private static NetworkUsage network(int pausePid, long now) {
        NetworkUsage.Builder net = NetworkUsage.newBuilder().setTimestamp(now);
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/" + pausePid + "/net/dev"));
        } catch (IOException e) {
            return net.build();
        }
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.equals("lo") || f.length < 16) {
                continue;
            }
            NetworkInterfaceUsage i = NetworkInterfaceUsage.newBuilder().setName(name).setRxBytes(u(Long.parseLong(f[0])))
                    .setRxErrors(u(Long.parseLong(f[2]))).setTxBytes(u(Long.parseLong(f[8]))).setTxErrors(u(Long.parseLong(f[10]))).build();
            if (!net.hasDefaultInterface() && name.equals("eth0")) {
                net.setDefaultInterface(i);
            }
            net.addInterfaces(i);
        }
        return net.build();
    }

    private static UInt64Value u(long value) {
        return UInt64Value.newBuilder().setValue(value).build();
    }
}
