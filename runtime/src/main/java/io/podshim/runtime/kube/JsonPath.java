package io.podshim.runtime.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.PodException;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl's JSONPath template ({@code -o jsonpath=…}): text with actions in braces, e.g.
 * {@code {.status.podIP}}, {@code {.items[*].metadata.name}},
 * {@code {range .items[*]}{.metadata.name}{"\n"}{end}}, filters such as
 * {@code {.status.conditions[?(@.type=="Ready")].status}}, {@code ..} for any depth, {@code [n]},
 * {@code [-1]}, {@code [a:b]}, {@code ['key']} and {@code \.} in a key. As kubectl prints it: strings
 * bare, objects and lists as JSON, several results of one action joined by a space, and a key that
 * is missing gives nothing (kubectl get allows missing keys).
 */
public final class JsonPath {
    private sealed interface Part permits Text, Action, Range {}

    private record Text(String text) implements Part {}

    private record Action(String expression) implements Part {}

    private record Range(String expression, List<Part> body) implements Part {}

    private final String template;
    private final List<Part> parts;

    private JsonPath(String template, List<Part> parts) {
        this.template = template;
        this.parts = parts;
    }

    public static JsonPath parse(String template) {
        List<List<Part>> stack = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        stack.add(new ArrayList<>());
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                text.append(c);
                i++;
                continue;
            }
            int end = closing(template, i);
            if (end < 0) {
                throw error(template, "unclosed action");
            }
            if (text.length() > 0) {
                stack.get(stack.size() - 1).add(new Text(text.toString()));
                text.setLength(0);
            }
            String action = template.substring(i + 1, end).trim();
            i = end + 1;
            if (action.startsWith("range ")) {
                ranges.add(action.substring(6).trim());
                stack.add(new ArrayList<>());
            } else if (action.equals("end")) {
                if (ranges.isEmpty()) {
                    throw error(template, "{end} without {range}");
                }
                List<Part> body = stack.remove(stack.size() - 1);
                stack.get(stack.size() - 1).add(new Range(ranges.remove(ranges.size() - 1), body));
            } else if (action.startsWith("\"") && action.endsWith("\"") && action.length() >= 2) {
                stack.get(stack.size() - 1).add(new Text(unquote(action.substring(1, action.length() - 1))));
            } else {
                stack.get(stack.size() - 1).add(new Action(action));
            }
        }
        if (text.length() > 0) {
            stack.get(stack.size() - 1).add(new Text(text.toString()));
        }
        if (!ranges.isEmpty()) {
            throw error(template, "{range} without {end}");
        }
        return new JsonPath(template, stack.get(0));
    }

    /** The text the template gives for {@code root}. */
    public String render(JsonNode root) {
        StringBuilder out = new StringBuilder();
        render(parts, root, root, out);
        return out.toString();
    }

    private void render(List<Part> parts, JsonNode root, JsonNode current, StringBuilder out) {
        for (Part p : parts) {
            if (p instanceof Text t) {
                out.append(t.text());
            } else if (p instanceof Action a) {
                List<JsonNode> found = evaluate(a.expression(), root, current);
                for (int i = 0; i < found.size(); i++) {
                    out.append(i == 0 ? "" : " ").append(print(found.get(i)));
                }
            } else if (p instanceof Range r) {
                for (JsonNode item : evaluate(r.expression(), root, current)) {
                    render(r.body(), root, item, out);
                }
            }
        }
    }

    private static String print(JsonNode node) {
        return node.isTextual() ? node.asText() : node.isNull() ? "null" : node.toString();
    }

    private List<JsonNode> evaluate(String expression, JsonNode root, JsonNode current) {
        String e = expression;
        List<JsonNode> nodes = new ArrayList<>();
        if (e.startsWith("$")) {
            nodes.add(root);
            e = e.substring(1);
        } else {
            nodes.add(current);
            if (e.startsWith("@")) {
                e = e.substring(1);
            }
        }
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (e.startsWith("..", i)) {
                i += 2;
                int end = nameEnd(e, i);
                String name = unescape(e.substring(i, end));
                i = end;
                List<JsonNode> next = new ArrayList<>();
                nodes.forEach(n -> descend(n, name, next));
                nodes = next;
            } else if (c == '.') {
                i++;
                int end = nameEnd(e, i);
                String name = unescape(e.substring(i, end));
                i = end;
                if (name.isEmpty()) {
                    continue;
                }
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode n : nodes) {
                    if (name.equals("*")) {
                        n.forEach(next::add);
                    } else if (n.has(name)) {
                        next.add(n.get(name));
                    }
                }
                nodes = next;
            } else if (c == '[') {
                int end = e.indexOf(']', i);
                if (e.startsWith("[?(", i)) {
                    end = e.indexOf(")]", i) + 1;
                }
                if (end <= i) {
                    throw error(expression, "unclosed [");
                }
                nodes = subscript(e.substring(i + 1, end), nodes, root);
                i = end + 1;
            } else {
                throw error(expression, "unexpected \"" + c + "\" at " + i);
            }
        }
        return nodes;
    }

    private List<JsonNode> subscript(String inside, List<JsonNode> nodes, JsonNode root) {
        List<JsonNode> next = new ArrayList<>();
        String s = inside.trim();
        for (JsonNode n : nodes) {
            if (s.startsWith("?(") && s.endsWith(")")) {
                String filter = s.substring(2, s.length() - 1);
                for (JsonNode item : n) {
                    if (matches(filter, root, item)) {
                        next.add(item);
                    }
                }
            } else if (s.equals("*")) {
                n.forEach(next::add);
            } else if (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\"")) {
                String key = s.substring(1, s.length() - 1);
                if (n.has(key)) {
                    next.add(n.get(key));
                }
            } else if (n.isArray()) {
                int size = n.size();
                if (s.contains(":")) {
                    String[] bounds = s.split(":", -1);
                    int from = bounds[0].isBlank() ? 0 : index(bounds[0], size);
                    int to = bounds[1].isBlank() ? size : index(bounds[1], size);
                    for (int k = Math.max(0, from); k < Math.min(size, to); k++) {
                        next.add(n.get(k));
                    }
                } else {
                    int k = index(s, size);
                    if (k >= 0 && k < size) {
                        next.add(n.get(k));
                    }
                }
            }
        }
        return next;
    }

    private static int index(String text, int size) {
        try {
            int k = Integer.parseInt(text.trim());
            return k < 0 ? size + k : k;
        } catch (NumberFormatException e) {
            throw PodException.invalid("\"" + text + "\" is not an array index in a JSONPath");
        }
    }

    /** {@code @.a.b=="x"}, {@code @.n>3}, or {@code @.a} (it exists). */
    private boolean matches(String filter, JsonNode root, JsonNode item) {
        for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
            int at = filter.indexOf(op);
            if (at > 0) {
                List<JsonNode> left = evaluate(filter.substring(0, at).trim(), root, item);
                String right = filter.substring(at + op.length()).trim();
                if (left.isEmpty()) {
                    return op.equals("!=");
                }
                JsonNode value = left.get(0);
                String wanted = right.startsWith("\"") || right.startsWith("'") ? right.substring(1, right.length() - 1) : right;
                if (op.equals("==") || op.equals("!=")) {
                    return op.equals("==") == (value.isTextual() ? value.asText() : value.toString()).equals(wanted);
                }
                double a = value.asDouble();
                double b = Double.parseDouble(wanted);
                return switch (op) {
                    case "<" -> a < b;
                    case ">" -> a > b;
                    case "<=" -> a <= b;
                    default -> a >= b;
                };
            }
        }
        return !evaluate(filter.trim(), root, item).isEmpty();
    }

    private static void descend(JsonNode node, String name, List<JsonNode> out) {
        if (node.isObject() && (name.equals("*") || node.has(name))) {
            if (name.equals("*")) {
                node.forEach(out::add);
            } else {
                out.add(node.get(name));
            }
        }
        node.forEach(child -> descend(child, name, out));
    }

    private static int nameEnd(String e, int from) {
        int i = from;
        while (i < e.length() && e.charAt(i) != '.' && e.charAt(i) != '[') {
            i += e.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, e.length());
    }

    private static String unescape(String name) {
        return name.replace("\\.", ".");
    }

    private static String unquote(String literal) {
        return literal.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** Where the action that opens at {@code open} closes, quotes and nested braces skipped. */
    private static int closing(String template, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static PodException error(String template, String problem) {
        return PodException.invalid("error parsing jsonpath " + template + ": " + problem);
    }

    @Override
    public String toString() {
        return template;
    }
}
