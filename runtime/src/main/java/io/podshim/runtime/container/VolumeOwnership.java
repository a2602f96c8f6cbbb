package io.podshim.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A volume given to a pod's fsGroup, as kubelet's SetVolumeOwnership does it: every file and
 * directory gets the group, read and write for it, and directories the set-group-ID bit, so that
 * what a container makes there is the group's too. With OnRootMismatch a volume whose root already
 * is so is left as it is (a large claim is not walked at every start).
 */
public final class VolumeOwnership {
    private static final int GROUP_RW = 0060;
    private static final int GROUP_X = 0010;
    private static final int SETGID = 02000;

    private VolumeOwnership() {}

    public static void apply(Path root, long gid, boolean onRootMismatch) throws IOException {
        if (onRootMismatch && matches(root, gid)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue; // a link's target is not the volume's to change
                }
                Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                int wanted = mode | GROUP_RW | (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? GROUP_X | SETGID : 0);
                if (wanted != mode) {
                    // setPosixFilePermissions cannot set the set-group-ID bit; chmod(2) through the attribute can.
                    Files.setAttribute(p, "unix:mode", wanted, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** The root has the group and the bits already. */
    static boolean matches(Path root, long gid) throws IOException {
        int mode = (Integer) Files.getAttribute(root, "unix:mode") & 07777;
        int have = (Integer) Files.getAttribute(root, "unix:gid");
        return have == gid && (mode & (GROUP_RW | GROUP_X | SETGID)) == (GROUP_RW | GROUP_X | SETGID);
    }
}
