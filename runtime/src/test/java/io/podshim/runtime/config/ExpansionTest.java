package io.podshim.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Kubernetes' $(VAR) rules, case by case, as its expansion package documents them. */
class ExpansionTest {
    private static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "VAR_C", "C", "VAR_EMPTY", "",
            "VAR_REF", "$(VAR_A)");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "$(VAR_A)|A",
            "___$(VAR_B)___|___B___",
            "$(VAR_A)-$(VAR_A)|A-A",
            "$(VAR_A)-1|A-1",
            "$(VAR_A)_$(VAR_B)_$(VAR_C)|A_B_C",
            "$(VAR_A)$(VAR_B)|AB",
            "$(VAR_EMPTY)|",
            "foo$(VAR_EMPTY)bar|foobar",
            "$(VAR_DNE)|$(VAR_DNE)",
            "$(VAR_A)-$(VAR_DNE)|A-$(VAR_DNE)",
            "$$(VAR_A)|$(VAR_A)",
            "$$$(VAR_A)|$A",
            "$$$$(VAR_A)|$$(VAR_A)",
            "f000-$$VAR_A|f000-$VAR_A",
            "$VAR_A|$VAR_A",
            "$(VAR_A|$(VAR_A",
            "$(VAR_A$(VAR_B)|$(VAR_A$(VAR_B)",
            "$(|$(",
            "$()|$()",
            "$|$",
            "$$|$",
            "$$$|$$",
            "$(VAR_A)$|A$",
            "VAR_A)|VAR_A)",
            "$(VAR_REF)|$(VAR_A)",
            "$(VAR_A)$(VAR_DNE|A$(VAR_DNE",
    })
    void expandsAsKubernetesDoes(String input, String expected) {
        // An empty cell is an empty result.
        assertEquals(expected == null ? "" : expected, Expansion.expand(input, VARS::get));
    }

    @Test
    void anUnsetListStaysUnsetAndEachItemIsExpanded() {
        assertNull(Expansion.expandAll(null, VARS::get));
        assertEquals(List.of("echo", "A", "$(X)"), Expansion.expandAll(List.of("echo", "$(VAR_A)", "$(X)"), VARS::get));
    }
}
