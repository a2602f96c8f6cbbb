package io.podshim.runtime.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.PodException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kubectl's JSONPath templates, on a List of two pods shaped as the API gives them. */
class JsonPathTest {
    private static final JsonNode LIST;

    static {
        try {
            LIST = new ObjectMapper().readTree("""
                    {"apiVersion": "v1", "kind": "List", "items": [
                      {"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "shop"}},
                       "status": {"phase": "Running", "podIP": "10.92.0.7",
                         "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}],
                         "containerStatuses": [{"name": "a", "restartCount": 0}, {"name": "b", "restartCount": 3}]}},
                      {"metadata": {"name": "db"}, "status": {"phase": "Pending"}}]}
                    """);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> templates() {
        return java.util.stream.Stream.of(
                args("{.items[0].status.podIP}", "10.92.0.7"),
                args("{.items[*].metadata.name}", "web db"),
                args("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", "web\ndb\n"),
                args("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}", "web\tRunning\ndb\tPending\n"),
                args("{.items[0].status.conditions[?(@.type==\"Ready\")].status}", "False"),
                args("{.items[0].status.containerStatuses[?(@.restartCount>0)].name}", "b"),
                args("{.items[-1].metadata.name}", "db"),
                args("{.items[0:1].metadata.name}", "web"),
                args("{..phase}", "Running Pending"),
                args("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", "shop"),
                args("{.items[0].metadata.labels['app.kubernetes.io/name']}", "shop"),
                args("name: {.items[1].metadata.name}!", "name: db!"),
                args("{.items[1].status.podIP}", ""),
                args("{.items[0].status.containerStatuses[0]}", "{\"name\":\"a\",\"restartCount\":0}"),
                args("{$.kind}", "List"));
    }

    private static org.junit.jupiter.params.provider.Arguments args(String template, String expected) {
        return org.junit.jupiter.params.provider.Arguments.of(template, expected);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("templates")
    void rendersAsKubectlDoes(String template, String expected) {
        assertEquals(expected, JsonPath.parse(template).render(LIST), template);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{.items[0]", "{range .items[*]}{.metadata.name}", "{end}"})
    void aBrokenTemplateIsRefusedSayingWhy(String template) {
        PodException e = assertThrows(PodException.class, () -> JsonPath.parse(template));
        assertEquals(true, e.getMessage().startsWith("error parsing jsonpath " + template + ": "), e.getMessage());
    }
}
