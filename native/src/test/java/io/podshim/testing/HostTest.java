package io.podshim.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test on the real kernel that needs root on Linux. Elsewhere it is skipped with the reason
 * stated; with {@code PODSHIM_REQUIRE_HOST_TESTS=1} (CI) a skip becomes a failure instead, so a
 * host test can never pass silently.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("host")
@ExtendWith(RootCondition.class)
public @interface HostTest {}
