package io.podshim.runtime.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code podshim ui [POD]}: the address of the daemon's live page (served with {@code daemon --ui}),
 * token included, as {@code jupyter server list} gives it: only who can reach the root-only API
 * socket learns it. With a pod's name, the address opens on that pod.
 */
@Command(name = "ui", description = "The address of the live picture of this node's pods (namespaces, init timeline, usage):"
        + " open it in a browser on this node. The daemon serves it when started with --ui 127.0.0.1:PORT.")
final class Ui implements Callable<Integer> {
    @ParentCommand
    Cli cli;
    @Parameters(index = "0", arity = "0..1", description = "a pod to open the page on")
    String pod;
    @Option(names = {"-n", "--namespace"}, description = "The pod's namespace (default: default).")
    String namespace;

    @Override
    public Integer call() {
        try {
            ApiClient.Reply r = new ApiClient(cli.socket).call("GET", "/v1/ui", null);
            if (!r.ok()) {
                return cli.result(r, null);
            }
            String url = r.field("url");
            cli.out.println(pod == null ? url : url + "#pod/" + Cli.q((namespace == null ? "default" : namespace) + "/" + pod));
            return 0;
        } catch (IOException e) {
            return cli.failed(e);
        }
    }
}
