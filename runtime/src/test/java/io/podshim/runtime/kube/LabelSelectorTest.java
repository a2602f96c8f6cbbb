package io.podshim.runtime.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.podshim.runtime.PodException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selectors as kubectl -l reads them, equality- and set-based, against the labels of one pod. */
class LabelSelectorTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "app.kubernetes.io/part-of", "shop");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "app=web|true",
        "app==web|true",
        "app=db|false",
        "app!=db|true",
        "env!=prod|true",
        "app=web,tier=front|true",
        "app=web,tier=back|false",
        "tier in (front,back)|true",
        "tier in (back)|false",
        "tier notin (back)|true",
        "env notin (prod)|true",
        "env in (prod)|false",
        "app|true",
        "!app|false",
        "!canary|true",
        "app.kubernetes.io/part-of=shop|true",
        "app in (web, db), !canary|true",
        "''|true",
    })
    void selectsAsKubernetesDoes(String selector, boolean matches) {
        assertEquals(matches, LabelSelector.parse(selector.equals("''") ? "" : selector).test(WEB), selector);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"app=web,=x", "tier in front", "a b"})
    void aSelectorThatIsNotOneIsRefusedNamingThePart(String selector) {
        PodException e = assertThrows(PodException.class, () -> LabelSelector.parse(selector));
        assertEquals(true, e.getMessage().startsWith("unable to parse requirement"), e.getMessage());
    }
}
