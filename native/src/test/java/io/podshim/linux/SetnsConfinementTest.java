package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * setns and unshare change the calling thread's namespaces; called from the wrong thread they
 * corrupt the JVM (docs/ARCHITECTURE.md, "The JVM and namespaces"). Only {@link NamespaceThread} may call them.
 */
class SetnsConfinementTest {
    private static final Pattern CALL = Pattern.compile("\\b(setns|unshare)\\s*\\(");
    private static final Set<String> ALLOWED = Set.of(
            "native/src/main/java/io/podshim/linux/LibC.java",
            "native/src/main/java/io/podshim/linux/NamespaceThread.java");

    @Test
    void theBindingIsNotVisibleOutsideThePackage() {
        assertFalse(Modifier.isPublic(LibC.class.getModifiers()), "LibC must stay package-private");
        assertFalse(Modifier.isPublic(Kernel.class.getModifiers()), "Kernel must stay package-private");
        for (Class<?> type : List.of(NamespaceThread.class, Mounts.class, Hostname.class, Spawn.class)) {
            for (Method method : type.getMethods()) {
                assertFalse(CALL.matcher(method.getName() + "(").find(), type.getSimpleName() + "." + method.getName());
            }
        }
    }

    @Test
    void noSourceOutsideTheNamespaceThreadCallsSetnsOrUnshare() throws IOException {
        Path root = projectRoot();
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String relative = root.relativize(file).toString();
                // native's own tests call the raw binding on purpose, to prove the kernel rules.
                if (relative.contains("/target/") || ALLOWED.contains(relative) || relative.startsWith("native/src/test/")) {
                    continue;
                }
                scanned++;
                Matcher m = CALL.matcher(withoutComments(Files.readString(file)));
                if (m.find()) {
                    offenders.add(relative + ": " + m.group());
                }
            }
        }
        assertTrue(scanned > 10, "scanned only " + scanned + " files under " + root);
        assertEquals(List.of(), offenders, "setns/unshare outside NamespaceThread");
    }

    static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "cannot find the project root (the directory holding mvnw)");
        return dir;
    }
}
