package io.podshim.runtime.container;

import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.linux.Stdio;
import io.podshim.pause.PodSandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to start one container process in a pod, decided before anything is created.
 *
 * @param image the image's root filesystem (the read-only lower layer)
 * @param bundle this run's own directory: the writable layer ({@code upper}, {@code work}) and the
 *     mount point of the container's root ({@code rootfs})
 * @param sharePidNamespace false gives the container a pid namespace of its own
 * @param capabilities the capability bits the process keeps
 * @param uid the user, -1 for the image's default (root); likewise gid
 * @param maskProc false for privileged containers: /proc and /sys are shown unmasked
 * @param stdin the container's standard input (/dev/null, or a pipe kept for attach)
 * @param terminal the container gets a terminal of its devpts as stdin, stdout, stderr and
 *     controlling terminal (then {@code stdin}, {@code stdout} and {@code stderr} are not used)
 * @param pidNamespaceOf a process whose pid namespace the container joins (an ephemeral container's
 *     target), or null for the pod's (or its own, as {@code sharePidNamespace} says)
 * @param maskedPaths the paths hidden from the container (a CRI config's masked_paths), or null for
 *     runc's defaults when {@code maskProc}; likewise {@code readonlyPaths}, made read-only
 */
public record LaunchPlan(String podName, String containerName, PodSandbox sandbox, Path image, Path bundle,
                         boolean readOnlyRootFilesystem, List<BindMount> mounts, List<String> argv, List<String> env,
                         String workingDir, long uid, long gid, List<Long> supplementalGroups, long capabilities,
                         boolean noNewPrivileges, boolean maskProc, boolean sharePidNamespace,
                         CgroupManager cgroups, CgroupPath cgroup, Stdio stdout, Stdio stderr, Stdio stdin, boolean terminal,
                         io.podshim.linux.PidFd pidNamespaceOf, List<String> maskedPaths, List<String> readonlyPaths) {

    /** A plan with runc's masked and read-only paths (when {@code maskProc}). */
    public LaunchPlan(String podName, String containerName, PodSandbox sandbox, Path image, Path bundle,
                      boolean readOnlyRootFilesystem, List<BindMount> mounts, List<String> argv, List<String> env,
                      String workingDir, long uid, long gid, List<Long> supplementalGroups, long capabilities,
                      boolean noNewPrivileges, boolean maskProc, boolean sharePidNamespace,
                      CgroupManager cgroups, CgroupPath cgroup, Stdio stdout, Stdio stderr, Stdio stdin, boolean terminal,
                      io.podshim.linux.PidFd pidNamespaceOf) {
        this(podName, containerName, sandbox, image, bundle, readOnlyRootFilesystem, mounts, argv, env, workingDir, uid, gid,
                supplementalGroups, capabilities, noNewPrivileges, maskProc, sharePidNamespace, cgroups, cgroup, stdout, stderr, stdin,
                terminal, pidNamespaceOf, null, null);
    }

    /** A plan whose container reads /dev/null and has no terminal. */
    public LaunchPlan(String podName, String containerName, PodSandbox sandbox, Path image, Path bundle,
                      boolean readOnlyRootFilesystem, List<BindMount> mounts, List<String> argv, List<String> env,
                      String workingDir, long uid, long gid, List<Long> supplementalGroups, long capabilities,
                      boolean noNewPrivileges, boolean maskProc, boolean sharePidNamespace,
                      CgroupManager cgroups, CgroupPath cgroup, Stdio stdout, Stdio stderr) {
        this(podName, containerName, sandbox, image, bundle, readOnlyRootFilesystem, mounts, argv, env, workingDir, uid, gid,
                supplementalGroups, capabilities, noNewPrivileges, maskProc, sharePidNamespace, cgroups, cgroup, stdout, stderr,
                Stdio.devNull(), false, null);
    }

    public LaunchPlan {
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(bundle, "bundle");
        mounts = List.copyOf(mounts);
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        supplementalGroups = List.copyOf(supplementalGroups);
        Objects.requireNonNull(cgroups, "cgroups");
        Objects.requireNonNull(cgroup, "cgroup");
        maskedPaths = maskedPaths == null ? null : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? null : List.copyOf(readonlyPaths);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("container " + containerName + " of pod " + podName
                    + " has no command: set command or args, or use an image with an Entrypoint or Cmd");
        }
    }

    /** This plan, the container in the pid namespace of {@code process}. */
    public LaunchPlan withPidNamespaceOf(io.podshim.linux.PidFd process) {
        return new LaunchPlan(podName, containerName, sandbox, image, bundle, readOnlyRootFilesystem, mounts, argv, env, workingDir,
                uid, gid, supplementalGroups, capabilities, noNewPrivileges, maskProc, sharePidNamespace, cgroups, cgroup, stdout,
                stderr, stdin, terminal, process, maskedPaths, readonlyPaths);
    }

    /** This plan with other standard streams: a plan made before its start (a CRI container's), given its pipes. */
    public LaunchPlan withStdio(Stdio stdout, Stdio stderr, Stdio stdin) {
        return new LaunchPlan(podName, containerName, sandbox, image, bundle, readOnlyRootFilesystem, mounts, argv, env, workingDir,
                uid, gid, supplementalGroups, capabilities, noNewPrivileges, maskProc, sharePidNamespace, cgroups, cgroup, stdout,
                stderr, stdin, terminal, pidNamespaceOf, maskedPaths, readonlyPaths);
    }

    /** "container 'web' of pod 'shop'": the context added to errors at this edge. */
    public String describe() {
        return "container '" + containerName + "' of pod '" + podName + "'";
    }

    public Path rootfs() {
        return bundle.resolve("rootfs");
    }
}
