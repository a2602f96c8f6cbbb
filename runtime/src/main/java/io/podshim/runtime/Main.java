package io.podshim.runtime;

/**
 * Entry point of {@code podshim.jar}. Until the pod runtime exists it offers one command,
 * {@code ns-demo}, a tour of the native layer.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case "ns-demo" -> System.exit(NamespaceDemo.run(System.out));
            default -> {
                System.err.println("usage: podshim ns-demo");
                System.err.println("  ns-demo   start a process in new pid/net/uts/ipc/mnt namespaces and compare its namespaces with the host's");
                System.exit(2);
            }
        }
    }
}
