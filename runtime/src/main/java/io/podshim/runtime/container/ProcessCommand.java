package io.podshim.runtime.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The argv and environment of a container's process, combined from the image config and the
 * container spec exactly as Kubernetes does ("Define a Command and Arguments for a Container"):
 * {@code command} replaces the image's Entrypoint and, given alone, drops its Cmd; {@code args}
 * replaces the Cmd. Container env entries override image Env entries of the same name; a
 * container workingDir overrides the image's WorkingDir.
 */
public final class ProcessCommand {
    private ProcessCommand() {}

    /**
     * @param command the container's {@code command}, or null if unset
     * @param args the container's {@code args}, or null if unset
     */
    public static List<String> argv(List<String> entrypoint, List<String> cmd, List<String> command, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (command != null && !command.isEmpty()) {
            argv.addAll(command);
            if (args != null) {
                argv.addAll(args);
            }
        } else {
            argv.addAll(entrypoint == null ? List.of() : entrypoint);
            if (args != null && !args.isEmpty()) {
                argv.addAll(args);
            } else if (cmd != null) {
                argv.addAll(cmd);
            }
        }
        return argv;
    }

    /** The container's workingDir if set, else the image's WorkingDir, else "/". */
    public static String workingDir(String imageWorkingDir, String containerWorkingDir) {
        if (containerWorkingDir != null && !containerWorkingDir.isEmpty()) {
            return containerWorkingDir;
        }
        return imageWorkingDir == null || imageWorkingDir.isEmpty() ? "/" : imageWorkingDir;
    }

    /** {@code KEY=value} entries: the image's first, then the container's, a later name replacing an earlier one. */
    public static List<String> env(List<String> imageEnv, Map<String, String> containerEnv) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : imageEnv) {
            int eq = entry.indexOf('=');
            merged.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        merged.putAll(containerEnv);
        List<String> env = new ArrayList<>();
        merged.forEach((k, v) -> env.add(k + "=" + v));
        return env;
    }
}
