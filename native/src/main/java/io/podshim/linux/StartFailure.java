package io.podshim.linux;

import jnr.constants.platform.Errno;

/**
 * Why the exec stage could not start a payload: the step that failed and its errno. Kubernetes
 * reports such a container as terminated with reason {@code StartError} and exit code 128.
 */
public record StartFailure(String step, Errno errno, String program) {

    /** Parses the exec stage's status line {@code "<step> <errno>"}. */
    static StartFailure parse(String line, String program) {
        String[] parts = line.trim().split(" ");
        Errno errno = parts.length == 2 ? Errno.valueOf(Long.parseLong(parts[1])) : Errno.EINVAL;
        return new StartFailure(parts[0], errno, program);
    }

    /** Reads like runc's: {@code exec: "/bin/nginx": no such file or directory}. */
    public String message() {
        String reason = errno.defined() ? lowerFirst(errno.description()) : "error " + errno.intValue();
        return switch (step) {
            case "exec" -> "exec: \"" + program + "\": " + reason
                    + (errno == Errno.EACCES ? " (is it an executable file?)" : "");
            case "gate" -> "the daemon did not release the process into its cgroups";
            case "cgroupns" -> "a cgroup namespace of its own (CLONE_NEWCGROUP): " + reason;
            case "cgroupmount" -> "mount(cgroup2, /sys/fs/cgroup, cgroup2, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC): " + reason;
            default -> step + ": " + reason;
        };
    }

    private static String lowerFirst(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
