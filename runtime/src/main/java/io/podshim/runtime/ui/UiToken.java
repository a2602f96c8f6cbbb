package io.podshim.runtime.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret in the page's address. Any local user can reach a loopback port, unlike the root-only
 * API socket: only who was given the address (printed at start, or by {@code podshim ui} to who can
 * reach the socket) may read the node's pods. It is kept beside the daemon's state (0600), so a page
 * left open keeps working across a daemon restart, as it does with Jupyter's.
 */
final class UiToken {
    static final String FILE = "ui-token";
    private static final int BYTES = 24;

    private final byte[] token;

    private UiToken(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** The token kept in {@code stateDir}, or a new random one written there. */
    static UiToken in(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            String kept = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (kept.matches("[0-9a-f]{" + 2 * BYTES + "}")) {
                return new UiToken(kept);
            }
        }
        byte[] random = new byte[BYTES];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.createDirectories(stateDir);
        Path partial = stateDir.resolve(FILE + ".new");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new UiToken(token);
    }

    /** Whether {@code given} is the token, compared in constant time (no timing hints to a guesser). */
    boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII));
    }

    String value() {
        return new String(token, StandardCharsets.US_ASCII);
    }
}
