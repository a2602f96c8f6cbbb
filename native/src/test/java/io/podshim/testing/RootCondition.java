package io.podshim.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link HostTest}s only as root on Linux; see there for what happens otherwise. */
public final class RootCondition implements ExecutionCondition {
    static final String REQUIRE = "PODSHIM_REQUIRE_HOST_TESTS";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missingRequirement();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("running as root on Linux");
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException(REQUIRE + "=1 but this host test cannot run: " + missing);
        }
        return ConditionEvaluationResult.disabled("host test skipped: " + missing);
    }

    /** Why host tests cannot run here, or null if they can. */
    static String missingRequirement() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return "needs Linux, this is " + System.getProperty("os.name");
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String effective = line.split("\\s+")[2];
                    return effective.equals("0") ? null : "needs root (effective uid is " + effective + ")";
                }
            }
            return "cannot find Uid: in /proc/self/status";
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e.getMessage();
        }
    }
}
