package io.podshim.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion of env values, command and args: {@code $(NAME)} becomes
 * the variable's value when it is defined, and stays as written when it is not; {@code $$} is a
 * literal {@code $}; a {@code $} before anything else, or a {@code $(} never closed, is kept.
 * The variables seen are the container's own, never the image's.
 */
public final class Expansion {
    private Expansion() {}

    /** {@code input} expanded; {@code lookup} answers null for an undefined name. */
    public static String expand(String input, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char ch = input.charAt(i);
            if (ch != '$' || i + 1 == input.length()) {
                out.append(ch);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    out.append("$(");
                    i += 2;
                } else {
                    String name = input.substring(i + 2, close);
                    String value = lookup.apply(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    i = close + 1;
                }
            } else {
                out.append('$').append(next);
                i += 2;
            }
        }
        return out.toString();
    }

    /** Each of {@code inputs} expanded (null stays null: an unset command is not an empty one). */
    public static List<String> expandAll(List<String> inputs, Function<String, String> lookup) {
        if (inputs == null) {
            return null;
        }
        List<String> out = new ArrayList<>(inputs.size());
        inputs.forEach(s -> out.add(expand(s, lookup)));
        return out;
    }
}
