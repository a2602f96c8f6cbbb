package io.podshim.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The exec stage (src/main/c/exec-stage.c): the last step before a container's payload runs, in
 * the child. {@link Request} describes one run; {@link #spec} turns it into a {@link SpawnSpec} to
 * spawn from a {@link NamespaceThread} inside the container's namespaces; {@link #awaitStart}
 * tells a started payload from a {@link StartFailure}.
 */
public final class ExecStage {
    static final String RESOURCE = "podshim-exec";

    private ExecStage() {}

    /** Installs the shipped exec stage with the checks of {@link StaticHelper}. */
    public static Path install(Path dir) {
        return StaticHelper.install(ExecStage.class, RESOURCE, dir);
    }

    /**
     * One run of the exec stage. Paths in {@code masked}, {@code readOnly} and {@code workingDir}
     * are seen after the pivot; {@code procMount} and {@code root} before it.
     *
     * @param gate the child end of a cgroup gate, or null to start at once
     * @param status the write end of the status pipe (see {@link #awaitStart})
     * @param capabilities the capability bits to keep, or null to leave them as they are
     * @param uid or -1 to keep root; likewise gid
     * @param groups supplementary groups, or null to leave them
     * @param mountNamespace a descriptor of a mount namespace to join first (an exec into a running
     *     container), or null; the exec stage joins it itself (KERNEL-NOTES #23)
     * @param cgroupMount where to mount cgroup2 (seen before the pivot) in a cgroup namespace the exec
     *     stage creates once past the gate, so that it is rooted at the process's own cgroup
     *     (KERNEL-NOTES #27); null for no cgroup namespace
     * @param controllingTerminal the payload runs in a session of its own whose controlling terminal
     *     is its standard input (a terminal: {@link Pty#slave}), so Ctrl-C there signals it
     */
    public record Request(Fd gate, Fd status, String procMount, String root, List<String> masked, List<String> readOnly,
                          String workingDir, Long capabilities, long uid, long gid, List<Long> groups,
                          boolean noNewPrivileges, List<String> argv, List<String> env,
                          Stdio stdin, Stdio stdout, Stdio stderr, Fd mountNamespace, String cgroupMount,
                          boolean controllingTerminal) {

        /** A request whose payload has no controlling terminal. */
        public Request(Fd gate, Fd status, String procMount, String root, List<String> masked, List<String> readOnly,
                       String workingDir, Long capabilities, long uid, long gid, List<Long> groups,
                       boolean noNewPrivileges, List<String> argv, List<String> env, Stdio stdin, Stdio stdout, Stdio stderr,
                       Fd mountNamespace, String cgroupMount) {
            this(gate, status, procMount, root, masked, readOnly, workingDir, capabilities, uid, gid, groups, noNewPrivileges,
                    argv, env, stdin, stdout, stderr, mountNamespace, cgroupMount, false);
        }

        /** A request that joins a mount namespace, or none, and creates no cgroup namespace. */
        public Request(Fd gate, Fd status, String procMount, String root, List<String> masked, List<String> readOnly,
                       String workingDir, Long capabilities, long uid, long gid, List<Long> groups,
                       boolean noNewPrivileges, List<String> argv, List<String> env, Stdio stdin, Stdio stdout, Stdio stderr,
                       Fd mountNamespace) {
            this(gate, status, procMount, root, masked, readOnly, workingDir, capabilities, uid, gid, groups, noNewPrivileges,
                    argv, env, stdin, stdout, stderr, mountNamespace, null, false);
        }

        /** A request that joins no mount namespace. */
        public Request(Fd gate, Fd status, String procMount, String root, List<String> masked, List<String> readOnly,
                       String workingDir, Long capabilities, long uid, long gid, List<Long> groups,
                       boolean noNewPrivileges, List<String> argv, List<String> env, Stdio stdin, Stdio stdout, Stdio stderr) {
            this(gate, status, procMount, root, masked, readOnly, workingDir, capabilities, uid, gid, groups, noNewPrivileges,
                    argv, env, stdin, stdout, stderr, null, null, false);
        }

        /** This request, its payload in a session of its own with its standard input as controlling terminal. */
        public Request withControllingTerminal() {
            return new Request(gate, status, procMount, root, masked, readOnly, workingDir, capabilities, uid, gid, groups,
                    noNewPrivileges, argv, env, stdin, stdout, stderr, mountNamespace, cgroupMount, true);
        }

        public Request {
            masked = List.copyOf(masked);
            readOnly = List.copyOf(readOnly);
            groups = groups == null ? null : List.copyOf(groups);
            argv = List.copyOf(argv);
            env = List.copyOf(env);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("the payload's argv is empty: nothing to run");
            }
        }
    }

    /** The spawn of {@code helper} for {@code request}: gate, status and mount namespace become descriptors 3, 4, 5. */
    public static SpawnSpec spec(Path helper, Request request) {
        List<String> args = new ArrayList<>();
        int next = 3;
        List<Fd> inherited = new ArrayList<>();
        if (request.gate() != null) {
            args.add("--gate");
            args.add(Integer.toString(next++));
            inherited.add(request.gate());
        }
        args.add("--status");
        args.add(Integer.toString(next++));
        inherited.add(request.status());
        option(args, "--cgroupns", request.cgroupMount());
        if (request.mountNamespace() != null) {
            args.add("--join-mnt");
            args.add(Integer.toString(next));
            inherited.add(request.mountNamespace());
        }
        option(args, "--proc", request.procMount());
        option(args, "--root", request.root());
        request.masked().forEach(p -> option(args, "--mask", p));
        request.readOnly().forEach(p -> option(args, "--readonly", p));
        option(args, "--cwd", request.workingDir());
        if (request.capabilities() != null) {
            option(args, "--caps", Long.toHexString(request.capabilities()));
        }
        if (request.groups() != null) {
            option(args, "--groups", request.groups().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (request.gid() >= 0) {
            option(args, "--gid", Long.toString(request.gid()));
        }
        if (request.uid() >= 0) {
            option(args, "--uid", Long.toString(request.uid()));
        }
        if (request.noNewPrivileges()) {
            args.add("--no-new-privs");
        }
        if (request.controllingTerminal()) {
            args.add("--ctty");
        }
        args.add("--");
        args.addAll(request.argv());
        SpawnSpec.Builder builder = SpawnSpec.of(helper.toString(), args.toArray(String[]::new))
                .env(request.env()).stdin(request.stdin()).stdout(request.stdout()).stderr(request.stderr());
        if (request.controllingTerminal()) {
            builder.newSession(); // TIOCSCTTY takes a terminal only for a session leader without one
        }
        inherited.forEach(builder::inherit);
        return builder.build();
    }

    /**
     * Waits until the exec stage has either exec'd the payload (the status pipe closes with nothing
     * written: empty) or failed (its line, as a {@link StartFailure}). The caller must have closed
     * its own copy of the status pipe's write end, and released the gate if there is one.
     */
    public static Optional<StartFailure> awaitStart(Fd statusRead, String program) {
        String line = new String(statusRead.readAllBytes(), StandardCharsets.UTF_8);
        return line.isBlank() ? Optional.empty() : Optional.of(StartFailure.parse(line, program));
    }

    private static void option(List<String> args, String name, String value) {
        if (value != null) {
            args.add(name);
            args.add(value);
        }
    }
}
