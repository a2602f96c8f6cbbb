package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    private static final String FIELD = "spec.containers[0].resources.limits.cpu";

    @ParameterizedTest
    @CsvSource({"500m,500", "1.5,1500", "1,1000", "0,0", "0.0001,1", "1e3,1000000", "2k,2000000", "100u,1", ".5,500", "1.,1000"})
    void cpuInMillicoresRoundsUpAsKubernetesDoes(String text, long milli) {
        assertEquals(milli, Quantity.parse(FIELD, text).milli(FIELD));
    }

    @ParameterizedTest
    @CsvSource({"64Mi,67108864", "1G,1000000000", "1Gi,1073741824", "1.5Gi,1610612736", "1e3,1000", "128974848,128974848",
            "129M,129000000", "1Ki,1024", "100m,1", "7Ei,8070450532247928832", "2E,2000000000000000000"})
    void memoryInBytesRoundsUp(String text, long bytes) {
        assertEquals(bytes, Quantity.parse(FIELD, text).whole(FIELD));
    }

    @Test
    void aValueBeyondWhatTheKernelTakesIsRefused() {
        CgroupException e = assertThrows(CgroupException.class, () -> Quantity.parse(FIELD, "8Ei").whole(FIELD));
        assertEquals(FIELD + ": \"8Ei\" is too large", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"64MB", "abc", "-1", "1.2.3", "", " ", "1 Gi", "Mi", "1e", "0x10", "1m1"})
    void anythingElseIsRefusedNamingTheFieldAndTheForm(String text) {
        CgroupException e = assertThrows(CgroupException.class, () -> Quantity.parse(FIELD, text));
        assertTrue(e.getMessage().startsWith(FIELD + ": \"" + text + "\" is not a quantity"), e.getMessage());
        assertTrue(e.getMessage().contains("64Mi"), e.getMessage());
    }
}
