package io.podshim.runtime.pod;

/** A pod's restartPolicy; Always is Kubernetes' default. */
public enum RestartPolicy {
    ALWAYS("Always"), ON_FAILURE("OnFailure"), NEVER("Never");

    private final String spelling;

    RestartPolicy(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    static RestartPolicy parse(Field field) {
        String text = field.text();
        for (RestartPolicy p : values()) {
            if (p.spelling.equals(text)) {
                return p;
            }
        }
        throw field.error("\"" + text + "\" is not a restart policy: use Always, OnFailure or Never");
    }
}
