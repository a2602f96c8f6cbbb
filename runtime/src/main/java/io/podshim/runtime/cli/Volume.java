package io.podshim.runtime.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The node-local volumes behind PersistentVolumeClaims, as podman's {@code volume ls|rm}. */
@Command(name = "volume", description = "The volumes behind PersistentVolumeClaims: they outlive their pods.",
        subcommands = {Volume.Ls.class, Volume.Rm.class})
final class Volume {
    @ParentCommand
    Cli cli;

    @Command(name = "ls", description = "List the volumes: NAMESPACE NAME USED BY PATH.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        Volume volume;
        @Option(names = {"-o", "--output"}, description = "json")
        String output;

        @Override
        public Integer call() {
            return volume.cli.request("GET", "/v1/volumes?output=" + Cli.q(output == null ? "table" : output), null, null);
        }
    }

    @Command(name = "rm", description = "Remove a volume and its data (and its claim), unless a pod uses it.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        Volume volume;
        @Parameters(index = "0..*", arity = "1..*", description = "the claims' names")
        java.util.List<String> names;
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: default).")
        String namespace;

        @Override
        public Integer call() {
            int code = 0;
            for (String name : names) {
                code |= volume.cli.request("DELETE", "/v1/volumes/" + Cli.q(name) + "?namespace=" + Cli.q(namespace == null ? "default"
                        : namespace), null, null);
            }
            return code;
        }
    }
}
