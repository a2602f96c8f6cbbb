package io.podshim.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code daemon --ui}: the page listens on loopback only, whatever the user writes. */
class DaemonCommandTest {
    @ParameterizedTest(name = "--ui {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "8079 | /127.0.0.1:8079",
            "127.0.0.1:8079 | /127.0.0.1:8079",
            "localhost:0 | /127.0.0.1:0",
            "127.0.0.2:80 | /127.0.0.2:80",
            "[::1]:8079 | /0:0:0:0:0:0:0:1:8079",
    })
    void aLoopbackAddressIsTaken(String given, String bound) {
        InetSocketAddress address = DaemonCommand.loopback(given);
        assertEquals(bound, address.getAddress() + ":" + address.getPort());
    }

    @ParameterizedTest(name = "--ui {0} is refused")
    @CsvSource({"0.0.0.0:8079", "10.1.2.3:8079", "example.org:80", "8079x", "70000", "127.0.0.1:", "''", "[::]:8079"})
    void anythingElseIsRefused(String given) {
        assertNull(DaemonCommand.loopback(given));
    }
}
