package io.podshim.runtime.kube;

import io.podshim.runtime.PodException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label selector as {@code kubectl -l} takes it: requirements joined by commas, each
 * equality-based ({@code app=web}, {@code app==web}, {@code tier!=db}) or set-based
 * ({@code env in (prod,qa)}, {@code env notin (dev)}, {@code release}, {@code !release}).
 * A pod matches when it meets every requirement; {@code !=} and {@code notin} match a pod
 * without the label, as in Kubernetes.
 */
public final class LabelSelector implements Predicate<Map<String, String>> {
    private static final String KEY = "((?:[A-Za-z0-9][-A-Za-z0-9_.]*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)";
    private static final String VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
    private static final Pattern EQUALITY = Pattern.compile(KEY + "\\s*(==|=|!=)\\s*" + VALUE);
    private static final Pattern SET = Pattern.compile(KEY + "\\s+(in|notin)\\s*\\(([^)]*)\\)");
    private static final Pattern EXISTS = Pattern.compile("(!?)\\s*" + KEY);

    private final List<Predicate<Map<String, String>>> requirements;
    private final String text;

    private LabelSelector(String text, List<Predicate<Map<String, String>>> requirements) {
        this.text = text;
        this.requirements = requirements;
    }

    /** Everything: no requirement. */
    public static final LabelSelector EVERYTHING = new LabelSelector("", List.of());

    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Predicate<Map<String, String>>> requirements = new ArrayList<>();
        for (String part : split(text)) {
            String r = part.trim();
            Matcher m;
            if ((m = SET.matcher(r)).matches()) {
                String key = m.group(1);
                Set<String> values = new java.util.HashSet<>();
                for (String v : m.group(4).split(",")) {
                    if (!v.isBlank()) {
                        values.add(v.trim());
                    }
                }
                boolean in = m.group(3).equals("in");
                requirements.add(labels -> in ? values.contains(labels.get(key)) : !values.contains(labels.get(key)));
            } else if ((m = EQUALITY.matcher(r)).matches()) {
                String key = m.group(1);
                String value = m.group(4) == null ? "" : m.group(4);
                boolean equal = !m.group(3).equals("!=");
                requirements.add(labels -> equal == value.equals(labels.get(key)));
            } else if ((m = EXISTS.matcher(r)).matches()) {
                String key = m.group(2);
                boolean absent = m.group(1).equals("!");
                requirements.add(labels -> absent != labels.containsKey(key));
            } else {
                throw PodException.invalid("unable to parse requirement \"" + r + "\" of label selector \"" + text
                        + "\": write key=value, key!=value, key in (a,b), key notin (a,b), key or !key, joined by commas");
            }
        }
        return new LabelSelector(text, requirements);
    }

    /** Commas outside parentheses. */
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    @Override
    public boolean test(Map<String, String> labels) {
        return requirements.stream().allMatch(r -> r.test(labels));
    }

    @Override
    public String toString() {
        return text;
    }
}
