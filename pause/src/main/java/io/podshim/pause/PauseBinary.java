package io.podshim.pause;

import io.podshim.linux.StaticHelper;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The pause program shipped inside this jar, installed with the checks of {@link StaticHelper}. */
public final class PauseBinary {
    static final String RESOURCE = "podshim-pause";
    /** Where the daemon installs it unless told otherwise; /run is root-owned tmpfs. */
    public static final Path DEFAULT_DIR = Path.of("/run/podshim/bin");

    private PauseBinary() {}

    /** Installs (or verifies an earlier install of) the pause in {@code dir}; returns its path. */
    public static Path install(Path dir) {
        try {
            return StaticHelper.install(PauseBinary.class, RESOURCE, dir);
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new SandboxException("pause: " + e.getMessage(), e);
        }
    }
}
