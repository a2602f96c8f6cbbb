package io.podshim.runtime;

import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceId;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The table that makes a pod visible: one column per process (the host, the pause, each container),
 * one row per namespace kind with its inode, and what the row means: shared by the pod, each its
 * own, or the host's.
 */
public final class NamespaceTable {
    private static final List<Namespace> KINDS = List.of(Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.PID,
            Namespace.MNT, Namespace.CGROUP, Namespace.USER);

    private NamespaceTable() {}

    /**
     * The columns of pod {@code status}'s table: the host (as this process sees it), the pause, then
     * each container that has a process now, init, app and ephemeral in spec order.
     */
    public static Map<String, Long> columns(io.podshim.runtime.pod.PodStatus status) {
        Map<String, Long> columns = new java.util.LinkedHashMap<>();
        columns.put("host", ProcessHandle.current().pid());
        columns.put("pause", (long) status.pausePid());
        status.allContainers().stream().filter(c -> c.pid() > 0).forEach(c -> columns.put(c.name(), (long) c.pid()));
        return columns;
    }

    /** The table as text; see {@link #print}. */
    public static String render(Map<String, Long> columns) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        print(new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), columns);
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * For JSON: each process, {@code {"pid": N, "namespaces": {"net": inode, …}}}, processes already
     * gone left out.
     */
    public static Map<String, Map<String, Object>> ids(Map<String, Long> columns) {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        columns.forEach((name, pid) -> {
            try {
                Map<String, Long> namespaces = new java.util.LinkedHashMap<>();
                NamespaceId.allOf(pid).forEach((kind, id) -> namespaces.put(kind.procName(), id.inode()));
                if (!namespaces.isEmpty()) {
                    out.put(name, Map.of("pid", pid, "namespaces", namespaces));
                }
            } catch (RuntimeException gone) {
                // exited meanwhile
            }
        });
        return out;
    }

    /** {@code columns}: name → pid, starting with "host" and "pause"; processes already gone are left out. */
    public static void print(PrintStream out, Map<String, Long> columns) {
        // Read every id once: a container may exit while the table is drawn (a zombie has no ns links).
        Map<String, Map<Namespace, NamespaceId>> ids = new java.util.LinkedHashMap<>();
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        columns.forEach((name, pid) -> {
            try {
                Map<Namespace, NamespaceId> of = NamespaceId.allOf(pid);
                if (of.keySet().containsAll(KINDS)) {
                    ids.put(name, of);
                    pids.put(name, pid);
                }
            } catch (RuntimeException gone) {
                // exited meanwhile
            }
        });
        if (!ids.containsKey("host") || !ids.containsKey("pause")) {
            return;
        }
        StringBuilder header = new StringBuilder(String.format("%-7s", "NS"));
        pids.forEach((name, pid) -> header.append(String.format(" %-18s", name + " (" + pid + ")")));
        out.println(header);
        for (Namespace kind : KINDS) {
            NamespaceId pause = ids.get("pause").get(kind);
            boolean shared = ids.entrySet().stream().filter(e -> !e.getKey().equals("host"))
                    .allMatch(e -> e.getValue().get(kind).equals(pause));
            StringBuilder row = new StringBuilder(String.format("%-7s", kind.procName()));
            ids.values().forEach(of -> row.append(String.format(" %-18s", of.get(kind).inode())));
            row.append(!shared ? "  each container has its own"
                    : pause.equals(ids.get("host").get(kind)) ? "  shared with the host" : "  shared by the pod");
            out.println(row);
        }
    }
}
