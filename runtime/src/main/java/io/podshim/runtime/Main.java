package io.podshim.runtime;

/**
 * Entry point of {@code podshim.jar}. Until the CLI proper (picocli, with the daemon) exists it
 * offers {@code run -f}, {@code image import} and {@code ns-demo}, a tour of the sandbox.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case "ns-demo" -> System.exit(NamespaceDemo.run(System.out));
            case "image" -> System.exit(ImageCommand.run(args, System.out, System.err));
            case "run" -> System.exit(RunCommand.run(args, System.out, System.err));
            default -> {
                System.err.println("usage: podshim run -f POD.yaml | podshim image import SOURCE NAME [--store DIR] | podshim ns-demo");
                System.err.println("  run -f         run a pod in the foreground (no daemon); Ctrl-C deletes it");
                System.err.println("  ns-demo        create a pod sandbox, join two processes to it and show which namespaces they share");
                System.err.println("  image import   import an OCI layout, OCI archive, docker save archive or rootfs directory");
                System.exit(2);
            }
        }
    }
}
