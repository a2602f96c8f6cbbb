package io.podshim.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** See {@link DockerTest}. */
final class DockerCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        String reason = "no Docker engine answers (start dockerd; .ci/run installs docker.io and starts it)";
        if ("1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}
