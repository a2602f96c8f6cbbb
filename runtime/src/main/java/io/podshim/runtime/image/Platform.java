package io.podshim.runtime.image;

/** This node's platform as images name it (the OCI image index's {@code platform.architecture}). */
public final class Platform {
    private Platform() {}

    /** {@code amd64} or {@code arm64} (Java's {@code os.arch} spells them x86_64/amd64 and aarch64). */
    public static String architecture() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
    }
}
