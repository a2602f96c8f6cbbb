package io.podshim.cgroups;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity: {@code 500m}, {@code 1.5}, {@code 64Mi}, {@code 1G}, {@code 1e3}.
 * Binary suffixes Ki…Ei, decimal n u m k M G T P E, or a decimal exponent; never negative here.
 */
public record Quantity(BigDecimal value, String text) {
    private static final Pattern FORMAT = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|[KMGTPE]i|[numkMGTPE])?");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /** Parses {@code text}; {@code field} (e.g. {@code spec.containers[0].resources.limits.memory}) names it in errors. */
    public static Quantity parse(String field, String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new CgroupException(field + ": \"" + text + "\" is not a quantity: use a non-negative number with an"
                    + " optional suffix, e.g. 500m, 1.5, 64Mi, 1G or 1e3");
        }
        BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = m.group(2);
        BigDecimal value;
        if (suffix == null) {
            value = number;
        } else if (!SUFFIXES.containsKey(suffix)) {
            // The pattern admits only known suffixes and decimal exponents (e3, E-2).
            value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        } else {
            value = number.multiply(SUFFIXES.get(suffix));
        }
        return new Quantity(value, text.trim());
    }

    /** In thousandths, rounded up as Kubernetes' MilliValue does (CPU: 0.0001 → 1m). */
    public long milli(String field) {
        return toLong(field, value.movePointRight(3).setScale(0, RoundingMode.CEILING));
    }

    /** Whole units, rounded up (memory: bytes). */
    public long whole(String field) {
        return toLong(field, value.setScale(0, RoundingMode.CEILING));
    }

    private long toLong(String field, BigDecimal rounded) {
        if (rounded.compareTo(LONG_MAX) > 0) {
            throw new CgroupException(field + ": \"" + text + "\" is too large");
        }
        return rounded.longValueExact();
    }
}
