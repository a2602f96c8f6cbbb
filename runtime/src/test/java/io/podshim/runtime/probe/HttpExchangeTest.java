package io.podshim.runtime.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpExchangeTest {
    private static Optional<Outcome> verdict(String answer, boolean ended) {
        return HttpExchange.outcome(answer.getBytes(StandardCharsets.ISO_8859_1), ended);
    }

    @Test
    void theRequestCarriesKubeletsHeadersUnlessTheManifestSetsItsOwn() {
        String plain = new String(HttpExchange.request(new Action.HttpGet("127.0.0.1", 8080, "/healthz", List.of())),
                StandardCharsets.ISO_8859_1);
        assertEquals("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: kube-probe/podshim\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n", plain);
        String custom = new String(HttpExchange.request(new Action.HttpGet("127.0.0.1", 80, "/", List.of(
                new Action.Header("Host", "shop.example"), new Action.Header("X-Probe", "yes")))), StandardCharsets.ISO_8859_1);
        assertEquals("GET / HTTP/1.1\r\nUser-Agent: kube-probe/podshim\r\nAccept: */*\r\nHost: shop.example\r\n"
                + "X-Probe: yes\r\nConnection: close\r\n\r\n", custom);
    }

    @Test
    void twoHundredToThreeNinetyNineSucceedAndTheRestFailWithTheirCode() {
        assertEquals(Optional.of(Outcome.ok("HTTP probe succeeded with statuscode: 200")), verdict("HTTP/1.1 200 OK\r\n\r\n", true));
        assertEquals(Optional.of(Outcome.ok("HTTP probe succeeded with statuscode: 302")), verdict("HTTP/1.0 302 Found\r\n\r\n", true));
        assertEquals(Optional.of(Outcome.failed("HTTP probe failed with statuscode: 404")), verdict("HTTP/1.1 404 Not Found\r\n\r\n", true));
        assertEquals(Optional.of(Outcome.failed("HTTP probe failed with statuscode: 503")), verdict("HTTP/1.1 503 x\r\n\r\n", true));
    }

    @Test
    void anAnswerIsJudgedOnceCompleteByContentLengthOrTheEndOfTheStream() {
        assertEquals(Optional.empty(), verdict("HTTP/1.1 200 OK\r\nContent-Le", false), "headers not complete");
        assertEquals(Optional.empty(), verdict("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", false), "body not complete");
        assertEquals(Optional.of(Outcome.ok("HTTP probe succeeded with statuscode: 200")),
                verdict("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde", false));
        assertEquals(Optional.empty(), verdict("HTTP/1.1 200 OK\r\n\r\nstreaming", false), "no length: wait for the end");
        assertEquals(Optional.of(Outcome.failed("the answer is not HTTP: SSH-2.0-OpenSSH_9.2")), verdict("SSH-2.0-OpenSSH_9.2\r\n", true));
    }
}
