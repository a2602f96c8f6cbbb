package io.podshim.runtime.pod;

import java.util.Set;

/**
 * One of a container's restartPolicyRules (Kubernetes 1.35, KEP-5307): restart when the exit code
 * is {@code In} (or {@code NotIn}) {@code values}. Restart is the only action Kubernetes defines.
 */
public record RestartRule(boolean in, Set<Integer> values) {
    public RestartRule {
        values = Set.copyOf(values);
    }

    public boolean matches(int exitCode) {
        return values.contains(exitCode) == in;
    }
}
