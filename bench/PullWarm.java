import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.registry.ImagePuller;
import io.podshim.runtime.image.registry.PullProgress;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.image.registry.RegistriesConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pull as the daemon does it on apply, in a JVM that has pulled before: two warm-up pulls,
 * then ROUNDS pulls into an empty store each; prints the time of each in milliseconds.
 *   java -cp podshim.jar bench/PullWarm.java REFERENCE CERT_DIR WORK_DIR ROUNDS
 */
public class PullWarm {
    public static void main(String[] args) throws Exception {
        String reference = args[0];
        Path certDir = Path.of(args[1]);
        Path work = Path.of(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<Long> times = new ArrayList<>();
        for (int i = -2; i < rounds; i++) {
            Path store = work.resolve("warm-store");
            delete(store);
            long start = System.nanoTime();
            new ImagePuller(new ImageStore(store), store.resolve("tmp"), new PullSettings(null, certDir, RegistriesConf.NONE))
                    .pull(reference, PullProgress.NONE);
            if (i >= 0) {
                times.add((System.nanoTime() - start) / 1_000_000);
            }
        }
        delete(work.resolve("warm-store"));
        System.out.println(String.join(" ", times.stream().map(String::valueOf).toList()));
    }

    private static void delete(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
