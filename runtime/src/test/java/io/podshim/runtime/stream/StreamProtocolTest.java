package io.podshim.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The words of the remote command protocol as kubectl reads and writes them. */
class StreamProtocolTest {
    private static Optional<StreamProtocol.Size> size(String frame) {
        return StreamProtocol.size(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aResizeFrameGivesColumnsAndRowsAndNothingATerminalCannotHave() {
        assertEquals(Optional.of(new StreamProtocol.Size(120, 40)), size("{\"Width\":120,\"Height\":40}"));
        assertEquals(Optional.of(new StreamProtocol.Size(80, 24)), size("{\"Height\": 24, \"Width\": 80}"), "in either order");
        assertEquals(Optional.empty(), size("{\"Width\":0,\"Height\":40}"));
        assertEquals(Optional.empty(), size("{\"Width\":70000,\"Height\":40}"), "more than a winsize holds");
        assertEquals(Optional.empty(), size("not json"));
    }

    @Test
    void theExitIsAStatusWhoseExitCodeKubectlFinds() {
        assertEquals("{\"metadata\":{},\"status\":\"Success\"}", StreamProtocol.success());
        assertEquals("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: exit code 3\","
                + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}",
                StreamProtocol.exited(3));
        assertEquals("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"it broke\",\"reason\":\"InternalError\",\"code\":500}",
                StreamProtocol.failure("it broke"));
    }
}
