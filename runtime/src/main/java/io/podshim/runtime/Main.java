package io.podshim.runtime;

/**
 * Entry point of {@code podshim.jar}: {@code daemon}, {@code run -f} (no daemon), {@code image import|pull},
 * {@code login}, {@code logout} and {@code ns-demo} run the runtime in this process; every other
 * command is the light CLI.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        // Before Jetty loads: its INFO chatter is noise; warnings and errors are worth seeing, but not
        // its warning that an insecure registry's certificates are all trusted: registries.conf asked for that.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("podshim.log.level", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty.util.ssl.SslContextFactory.config", "error");
        try {
            // Commands that talk to a daemon go through the light CLI, which loads no runtime class.
            switch (command) {
                case "ns-demo" -> System.exit(NamespaceDemo.run(System.out));
                case "image" -> System.exit(ImageCommand.run(args, System.out, System.err));
                case "login", "logout" -> System.exit(LoginCommand.run(args, System.in, System.out, System.err));
                case "run" -> System.exit(RunCommand.run(args, System.out, System.err));
                case "daemon" -> System.exit(DaemonCommand.run(args, System.out, System.err));
                default -> System.exit(io.podshim.runtime.cli.Cli.main(args, System.out, System.err));
            }
        } catch (RuntimeException e) {
            // What no command expected: one line, not a stack trace (the commands say what they can on their own).
            System.err.println("podshim: " + String.join(" ", java.util.Arrays.copyOf(args, Math.min(args.length, 2))) + ": "
                    + (e instanceof PodException ? "" : e.getClass().getSimpleName() + ": ") + e.getMessage());
            System.exit(1);
        }
    }
}
