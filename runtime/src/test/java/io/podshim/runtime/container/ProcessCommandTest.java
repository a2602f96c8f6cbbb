package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four cases of Kubernetes' "Define a Command and Arguments for a Container". */
class ProcessCommandTest {
    private static final List<String> ENTRYPOINT = List.of("/ep-1", "foo");
    private static final List<String> CMD = List.of("bar");

    @Test
    void neitherCommandNorArgsRunsTheImagesEntrypointAndCmd() {
        assertEquals(List.of("/ep-1", "foo", "bar"), ProcessCommand.argv(ENTRYPOINT, CMD, null, null));
    }

    @Test
    void aCommandAloneReplacesEntrypointAndDropsCmd() {
        assertEquals(List.of("/ep-2"), ProcessCommand.argv(ENTRYPOINT, CMD, List.of("/ep-2"), null));
    }

    @Test
    void argsAloneReplaceCmdAndKeepTheEntrypoint() {
        assertEquals(List.of("/ep-1", "foo", "zoo", "boo"), ProcessCommand.argv(ENTRYPOINT, CMD, null, List.of("zoo", "boo")));
    }

    @Test
    void commandAndArgsReplaceBoth() {
        assertEquals(List.of("/ep-2", "zoo", "boo"), ProcessCommand.argv(ENTRYPOINT, CMD, List.of("/ep-2"), List.of("zoo", "boo")));
    }

    @Test
    void theContainersWorkingDirWinsThenTheImagesThenTheRoot() {
        assertEquals("/srv", ProcessCommand.workingDir("/app", "/srv"));
        assertEquals("/app", ProcessCommand.workingDir("/app", null));
        assertEquals("/", ProcessCommand.workingDir("", ""));
    }

    @Test
    void containerEnvOverridesImageEnvKeepingTheImagesOrder() {
        Map<String, String> container = new LinkedHashMap<>();
        container.put("MODE", "prod");
        container.put("EXTRA", "1");
        assertEquals(List.of("PATH=/bin", "MODE=prod", "EXTRA=1"),
                ProcessCommand.env(List.of("PATH=/bin", "MODE=dev"), container));
    }
}
