package io.podshim.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A story (or a base of stories) that runs podshim in Docker: skipped, with the reason, where no Docker engine answers;
 * a failure instead when PODSHIM_REQUIRE_HOST_TESTS=1 (CI), so it never passes by not running.
 */
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerCondition.class)
public @interface DockerTest {}
