package io.podshim.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/** The YAML podshim writes reads back as the same values: what get -o yaml gives, apply takes. */
class RenderTest {
    @Test
    void stringsThatLookLikeOtherTypesKeepTheirQuotesAndTheRestGoBare() throws Exception {
        JsonNode value = new ObjectMapper().readTree("""
                {"command": ["sleep", "3600"], "flag": "true", "none": "null", "port": 8080, "ready": true,
                 "name": "web", "time": "2026-12-02T13:00:54Z", "empty": ""}
                """);
        String yaml = Render.yaml(value);
        assertEquals(value, new YAMLMapper().readTree(yaml), yaml);
        assertFalse(yaml.startsWith("---"), "no document marker, as kubectl writes it: " + yaml);
        assertEquals(true, yaml.contains("name: web\n"), "plain strings bare: " + yaml);
    }
}
