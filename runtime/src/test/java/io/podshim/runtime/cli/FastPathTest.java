package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the fast path leaves to picocli: help, and every form it does not know exactly. */
class FastPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "--help", "get pods -h", "help get", "get pods -o", "get pods extra words",
            "describe web", "delete pod", "delete pod web --grace-period", "apply web.yaml", "logs -f web",
            "logs web -c", "logs web --since 5m", "exec web", "exec web --", "exec web -x -- sh", "exec web other -- sh", "exec -c web -- sh", "exec web -c -- sh", "ns", "version", "delete pod --all", "delete pod -l", "describe pod -A", "get -A", "get pods -w", "get pods -A", "logs web --tail 2"})
    void anythingButAnExactEverydayFormGoesToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertNull(FastPath.run(args, sink, sink), line);
    }
}
