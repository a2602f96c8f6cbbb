package io.podshim.runtime.container;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ids a container's process runs with, decided as containerd does for Kubernetes: the image's
 * {@code User} ("name", "uid", "name:group", "uid:gid"; names looked up in the image's own
 * /etc/passwd and /etc/group, never the node's), overridden by {@code runAsUser} and
 * {@code runAsGroup}; supplementary groups from the image's /etc/group plus the pod's
 * {@code supplementalGroups}.
 */
public record ProcessUser(long uid, long gid, List<Long> groups) {

    /**
     * @param field where the securityContext is, for errors (e.g. {@code spec.containers[0].securityContext})
     */
    public static ProcessUser resolve(Path rootfs, String imageUser, Long runAsUser, Long runAsGroup,
                                      List<Long> supplementalGroups, boolean runAsNonRoot, String field) {
        String user = imageUser == null ? "" : imageUser;
        String userPart = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        String groupPart = user.contains(":") ? user.substring(user.indexOf(':') + 1) : "";
        List<String[]> passwd = table(rootfs, "/etc/passwd");
        List<String[]> group = table(rootfs, "/etc/group");

        long uid = 0;
        long gid = 0;
        // No User is root, with root's memberships in the image's /etc/group, as docker gives it.
        String name = passwd.stream().filter(e -> e[2].equals("0")).findFirst().map(e -> e[0]).orElse(null);
        if (!userPart.isEmpty()) {
            Optional<String[]> entry = userPart.matches("\\d+")
                    ? passwd.stream().filter(e -> e[2].equals(userPart)).findFirst()
                    : passwd.stream().filter(e -> e[0].equals(userPart)).findFirst();
            if (entry.isEmpty() && !userPart.matches("\\d+")) {
                throw PodException.invalid("the image's User \"" + user + "\": no user \"" + userPart + "\" in the image's /etc/passwd");
            }
            uid = userPart.matches("\\d+") ? Long.parseLong(userPart) : Long.parseLong(entry.get()[2]);
            gid = entry.map(e -> Long.parseLong(e[3])).orElse(0L);
            name = entry.map(e -> e[0]).orElse(null);
        }
        if (!groupPart.isEmpty()) {
            if (groupPart.matches("\\d+")) {
                gid = Long.parseLong(groupPart);
            } else {
                gid = group.stream().filter(e -> e[0].equals(groupPart)).findFirst()
                        .map(e -> Long.parseLong(e[2]))
                        .orElseThrow(() -> PodException.invalid("the image's User \"" + user + "\": no group \"" + groupPart
                                + "\" in the image's /etc/group"));
            }
        }
        if (runAsUser != null) {
            uid = runAsUser;
            Optional<String[]> entry = passwd.stream().filter(e -> e[2].equals(runAsUser.toString())).findFirst();
            name = entry.map(e -> e[0]).orElse(null);
            if (groupPart.isEmpty()) {
                gid = entry.map(e -> Long.parseLong(e[3])).orElse(0L);
            }
        }
        if (runAsGroup != null) {
            gid = runAsGroup;
        }
        if (runAsNonRoot && uid == 0) {
            throw PodException.invalid(field + ".runAsNonRoot", "the container would run as root (uid 0); set runAsUser"
                    + " or use an image whose User is not root");
        }
        Set<Long> groups = new LinkedHashSet<>();
        if (name != null) {
            String member = name;
            group.stream().filter(e -> e.length > 3 && List.of(e[3].split(",")).contains(member))
                    .forEach(e -> groups.add(Long.parseLong(e[2])));
        }
        groups.addAll(supplementalGroups);
        groups.remove(gid);
        return new ProcessUser(uid, gid, new ArrayList<>(groups));
    }

    /** The colon-separated lines of a file of the image, or none if the image has no such file. */
    private static List<String[]> table(Path rootfs, String file) {
        Path path = RootfsPath.resolve(rootfs, file);
        List<String[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(path)) {
            return rows;
        }
        try {
            for (String line : Files.readAllLines(path)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 3 && !line.startsWith("#") && fields[2].matches("\\d+")) {
                    rows.add(fields);
                }
            }
        } catch (IOException e) {
            throw new PodException("read the image's " + file + ": " + e, e);
        }
        return rows;
    }
}
