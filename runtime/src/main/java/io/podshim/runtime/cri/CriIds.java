package io.podshim.runtime.cri;

import io.podshim.runtime.PodException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ids of CRI sandboxes and containers: 64 random hex digits, as containerd gives them, and
 * looked up by a unique prefix, as crictl lets its user type a few digits.
 */
final class CriIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CriIds() {}

    static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The one entry whose id is {@code id} or starts with it; empty if none; an error if the prefix fits several. */
    static <T> Optional<T> find(Map<String, T> byId, String id, String what) {
        if (id == null || id.isEmpty()) {
            throw PodException.invalid(what + " id: required");
        }
        T exact = byId.get(id);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<String> matches = byId.keySet().stream().filter(k -> k.startsWith(id)).toList();
        if (matches.size() > 1) {
            throw PodException.invalid(what + " id \"" + id + "\" is the start of " + matches.size() + " ids: give more of it");
        }
        return matches.isEmpty() ? Optional.empty() : Optional.of(byId.get(matches.get(0)));
    }

    /** {@link #find}, or NOT_FOUND naming what was asked for. */
    static <T> T require(Map<String, T> byId, String id, String what) {
        return find(byId, id, what).orElseThrow(() -> PodException.notFound(what + " \"" + id + "\" not found"));
    }
}
