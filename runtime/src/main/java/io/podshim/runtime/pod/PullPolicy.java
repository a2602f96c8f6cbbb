package io.podshim.runtime.pod;

/**
 * A container's imagePullPolicy. Unset, it is Always for an image named by no tag or by
 * {@code :latest}, else IfNotPresent, as the Kubernetes API server defaults it.
 */
public enum PullPolicy {
    ALWAYS("Always"), IF_NOT_PRESENT("IfNotPresent"), NEVER("Never");

    private final String spelling;

    PullPolicy(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** The policy spelled {@code text} (as the manifest has it, already checked). */
    static PullPolicy of(String text) {
        for (PullPolicy p : values()) {
            if (p.spelling.equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("not a pull policy: " + text);
    }
}
