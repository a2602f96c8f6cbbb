package io.podshim.runtime;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.Pipe;
import io.podshim.linux.SpawnSpec;
import io.podshim.linux.Stdio;
import io.podshim.pause.PauseBinary;
import io.podshim.pause.PodSandbox;
import io.podshim.pause.SandboxSpec;
import io.podshim.pause.Sandboxes;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tour of the sandbox: creates the pause sandbox of a pod "demo", joins two member processes to
 * it (as containers will be), prints which namespaces each shares with the pause and with the host,
 * lets each member describe itself from the inside, and removes the sandbox.
 */
final class NamespaceDemo {
    private static final String POD = "demo";
    // Each member waits for its turn on stdin. It mounts /proc for itself: procfs shows the pid
    // namespace of whoever mounts it (native/KERNEL-NOTES.md #5), and members share the pod's.
    private static final String MEMBER = String.join("; ",
            "read line",
            "mount -t proc proc /proc",
            "echo \"  $0: pid $$ in the pod, hostname $(cat /proc/sys/kernel/hostname),"
                    + " sees processes $(ls /proc | grep '^[0-9]' | sort -n | tr '\\n' ' ')\"");

    private NamespaceDemo() {}

    static int run(PrintStream out) {
        Sandboxes sandboxes = new Sandboxes(Sandboxes.DEFAULT_ROOT, PauseBinary.install(PauseBinary.DEFAULT_DIR),
                Duration.ofSeconds(10));
        String uid = UUID.randomUUID().toString();
        // Ctrl-C or any failure: the sandbox is removed all the same.
        Thread cleanup = new Thread(() -> sandboxes.destroy(uid), "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<Member> members = new ArrayList<>();
        try {
            PodSandbox sandbox = sandboxes.create(SandboxSpec.of(POD, uid));
            out.printf("pod %s: pause %d holds new %s namespaces (state in %s)%n", POD, sandbox.pausePid(),
                    sandbox.namespaces().stream().map(Namespace::procName).sorted().toList(), sandbox.directory());
            for (String name : List.of("app", "sidecar")) {
                members.add(Member.join(sandbox, name));
            }
            out.println();
            printTable(out, sandbox, members);
            out.println();
            out.println("from the inside (each member mounts its own /proc):");
            out.flush();
            for (Member member : members) {
                ExitStatus status = member.release();
                if (status.code() != 0) {
                    out.printf("  %s %s%n", member.name, status);
                }
            }
            sandboxes.destroy(sandbox);
            out.printf("%npod %s: sandbox destroyed; its namespaces, mounts and directory are gone.%n", POD);
            return 0;
        } finally {
            members.forEach(Member::close);
            sandboxes.destroy(uid);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private static void printTable(PrintStream out, PodSandbox sandbox, List<Member> members) {
        Map<String, Long> columns = new LinkedHashMap<>();
        columns.put("host", ProcessHandle.current().pid());
        columns.put("pause", (long) sandbox.pausePid());
        members.forEach(m -> columns.put(m.name, (long) m.process.pid()));
        NamespaceTable.print(out, columns);
    }

    /** A process joined to the pod's namespaces, parked on its stdin until released. */
    private record Member(String name, ChildProcess process, Pipe stdin) implements AutoCloseable {
        static Member join(PodSandbox sandbox, String name) {
            Pipe stdin = Pipe.open();
            // Like a container: the pod's net, ipc, uts and pid namespaces, and a mount namespace of
            // its own derived from the pod's.
            ChildProcess process = NamespaceThread.spawn(
                    sandbox.joinPlan("demo-" + name).create(Namespace.MNT).build(),
                    SpawnSpec.of("/bin/sh", "-c", MEMBER, name).env(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
                            .stdin(Stdio.of(stdin.readEnd())).build());
            stdin.readEnd().close();
            return new Member(name, process, stdin);
        }

        ExitStatus release() {
            stdin.writeEnd().close();
            return process.waitFor();
        }

        @Override
        public void close() {
            stdin.close();
            process.kill();
            process.close();
        }
    }
}
