package io.podshim.runtime;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Hostname;
import io.podshim.linux.Interfaces;
import io.podshim.linux.MountFlags;
import io.podshim.linux.Mounts;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceId;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.Pipe;
import io.podshim.linux.SpawnSpec;
import io.podshim.linux.Stdio;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Starts one process in new pid, net, uts, ipc and mnt namespaces (as a pod sandbox will), prints
 * its namespace ids next to the host's, then lets it describe itself from the inside.
 */
final class NamespaceDemo {
    private static final String HOSTNAME = "podshim-demo";
    // /proc must be mounted by a process inside the new pid namespace to show it (kernel rule 5),
    // so the child mounts it itself; it is pid 1 there.
    private static final String INSIDE = String.join("; ",
            "read line",
            "mount -t proc proc /proc",
            "echo \"inside: my pid is $$, my hostname is $(cat /proc/sys/kernel/hostname)\"",
            "echo \"inside: processes I can see: $(ls /proc | grep -c '^[0-9]') (the host has hundreds)\"",
            "echo \"inside: network interfaces: $(ls /sys/class/net | tr '\\n' ' ')\"");

    private NamespaceDemo() {}

    static int run(PrintStream out) {
        EnumSet<Namespace> created = EnumSet.of(Namespace.PID, Namespace.NET, Namespace.UTS, Namespace.IPC, Namespace.MNT);
        NamespacePlan plan = NamespacePlan.named("demo").create(created)
                .then(() -> Hostname.set(HOSTNAME))
                .then(() -> Interfaces.setUp("lo"))
                // sysfs shows the network namespace of whoever mounts it: this thread is in the new one.
                .then(() -> Mounts.mount("sysfs", "/sys", "sysfs", MountFlags.MS_RDONLY, null))
                .build();
        long self = ProcessHandle.current().pid();
        try (Pipe stdin = Pipe.open()) {
            SpawnSpec spec = SpawnSpec.of("/bin/sh", "-c", INSIDE)
                    .env(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
                    .stdin(Stdio.of(stdin.readEnd())).build();
            try (ChildProcess child = NamespaceThread.spawn(plan, spec)) {
                stdin.readEnd().close();
                out.printf("podshim ns-demo: started process %d in new %s namespaces, hostname %s%n%n",
                        child.pid(), names(created), HOSTNAME);
                printTable(out, self, child.pid());
                out.println();
                out.flush();
                stdin.writeEnd().close();
                ExitStatus status = child.waitFor();
                out.printf("%nprocess %d %s; its namespaces are gone with it.%n", child.pid(), status);
                return status.code();
            }
        }
    }

    private static void printTable(PrintStream out, long host, long child) {
        Map<Namespace, NamespaceId> hostIds = NamespaceId.allOf(host);
        Map<Namespace, NamespaceId> childIds = NamespaceId.allOf(child);
        String format = "%-8s %-18s %-18s %s%n";
        out.printf(format, "NS", "HOST (pid " + host + ")", "CHILD (pid " + child + ")", "");
        for (Map.Entry<Namespace, NamespaceId> entry : hostIds.entrySet()) {
            NamespaceId childId = childIds.get(entry.getKey());
            boolean shared = entry.getValue().equals(childId);
            out.printf(format, entry.getKey().procName(), entry.getValue().inode(),
                    childId == null ? "-" : childId.inode(), shared ? "shared with host" : "NEW");
        }
    }

    private static String names(EnumSet<Namespace> kinds) {
        return kinds.stream().map(Namespace::procName).reduce((a, b) -> a + "/" + b).orElse("");
    }
}
