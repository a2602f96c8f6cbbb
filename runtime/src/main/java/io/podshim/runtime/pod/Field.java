package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.PodException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A node of a manifest with its field path ({@code spec.containers[1].image}), so that every error
 * names the field and what would fix it. Objects are read strictly: a key not known here is
 * refused, never silently ignored.
 */
final class Field {
    private final JsonNode node;
    private final String path;

    Field(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    JsonNode node() {
        return node;
    }

    PodException error(String problem) {
        return PodException.invalid(path, problem);
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    Field get(String key) {
        return new Field(node.get(key), path.isEmpty() ? key : path + "." + key);
    }

    /** Refuses any key outside {@code known} (naming the ones supported) and any in {@code unsupported}. */
    Field onlyKeys(Set<String> known, Set<String> unsupported) {
        if (!node.isObject()) {
            throw error("must be an object");
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (unsupported.contains(key)) {
                throw get(key).error("is a Kubernetes field podshim does not support yet: remove it to run this pod here");
            }
            if (!known.contains(key)) {
                String near = nearest(key, known, unsupported);
                throw get(key).error("unknown field" + (near == null ? "" : " (did you mean " + near + "?)")
                        + ": podshim refuses fields it does not know rather than ignore them; supported here: " + new TreeSet<>(known));
            }
        }
        return this;
    }

    /** The known name closest to {@code key} by edit distance, if it is close (a typo or a case slip); else null. */
    private static String nearest(String key, Set<String> known, Set<String> unsupported) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Set<String> names : List.of(known, unsupported)) {
            for (String name : new TreeSet<>(names)) {
                String k = key.toLowerCase();
                String n = name.toLowerCase();
                int d = k.startsWith(n) || n.startsWith(k) ? 1 : distance(k, n); // workingDirectory for workingDir
                if (d < bestDistance) {
                    best = name;
                    bestDistance = d;
                }
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                row[j] = Math.min(Math.min(row[j - 1], previous[j]) + 1, previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = previous;
            previous = row;
            row = t;
        }
        return previous[b.length()];
    }

    String text() {
        if (!node.isTextual()) {
            throw error("must be a string");
        }
        return node.asText();
    }

    String string(String key) {
        if (!has(key)) {
            throw get(key).error("required");
        }
        String value = get(key).text();
        if (value.isEmpty()) {
            throw get(key).error("required");
        }
        return value;
    }

    String string(String key, String otherwise) {
        return has(key) ? get(key).text() : otherwise;
    }

    Long integer(String key) {
        if (!has(key)) {
            return null;
        }
        Field f = get(key);
        if (!f.node.canConvertToLong() || !f.node.isIntegralNumber()) {
            throw f.error("must be a whole number");
        }
        return f.node.asLong();
    }

    Long nonNegative(String key) {
        Long value = integer(key);
        if (value != null && value < 0) {
            throw get(key).error("must not be negative");
        }
        return value;
    }

    /** This node as a non-negative whole number (a list item, e.g. of supplementalGroups). */
    long wholeNumber() {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw error("must be a non-negative whole number");
        }
        return node.asLong();
    }

    Boolean bool(String key) {
        if (!has(key)) {
            return null;
        }
        Field f = get(key);
        if (!f.node.isBoolean()) {
            throw f.error("must be true or false");
        }
        return f.node.asBoolean();
    }

    /** An IntOrString (a port): the number, or null if it is a string (see {@link #text}). */
    Long integerOrNull() {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            return null;
        }
        throw error("must be a number or a name");
    }

    /** A quantity as written: a string ("500m", "64Mi") or a bare number (2). */
    String quantityText() {
        if (node.isNumber() || node.isTextual()) {
            return node.asText();
        }
        throw error("must be a quantity such as 500m or 64Mi");
    }

    <T> List<T> list(String key, Function<Field, T> each) {
        List<T> items = new ArrayList<>();
        if (!has(key)) {
            return items;
        }
        Field f = get(key);
        if (!f.node.isArray()) {
            throw f.error("must be a list");
        }
        for (int i = 0; i < f.node.size(); i++) {
            items.add(each.apply(new Field(f.node.get(i), f.path + "[" + i + "]")));
        }
        return items;
    }

    /** A list of strings, or null when the key is absent (for command/args, unset differs from empty). */
    List<String> strings(String key) {
        return has(key) ? list(key, Field::text) : null;
    }

    Map<String, Field> entries(String key) {
        Map<String, Field> entries = new LinkedHashMap<>();
        if (!has(key)) {
            return entries;
        }
        Field f = get(key);
        if (!f.node.isObject()) {
            throw f.error("must be an object");
        }
        f.node.fieldNames().forEachRemaining(k -> entries.put(k, f.get(k)));
        return entries;
    }

    static Set<String> keys(String... names) {
        return Set.of(names);
    }
}
