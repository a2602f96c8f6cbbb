package io.podshim.runtime.pod;

import static io.podshim.runtime.pod.PodDecisions.Role.APP;
import static io.podshim.runtime.pod.PodDecisions.Role.EPHEMERAL;
import static io.podshim.runtime.pod.PodDecisions.Role.INIT;
import static io.podshim.runtime.pod.PodDecisions.Role.SIDECAR;
import static io.podshim.runtime.pod.PodDecisions.Status.BACKING_OFF;
import static io.podshim.runtime.pod.PodDecisions.Status.NOT_STARTED;
import static io.podshim.runtime.pod.PodDecisions.Status.RUNNING;
import static io.podshim.runtime.pod.PodDecisions.Status.TERMINATED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.podshim.runtime.pod.PodAction.BackOff;
import io.podshim.runtime.pod.PodAction.Replace;
import io.podshim.runtime.pod.PodAction.CreateSandbox;
import io.podshim.runtime.pod.PodAction.Finish;
import io.podshim.runtime.pod.PodAction.ImageNeverPulled;
import io.podshim.runtime.pod.PodAction.Launch;
import io.podshim.runtime.pod.PodAction.PullImage;
import io.podshim.runtime.pod.PodAction.ShowPullBackOff;
import io.podshim.runtime.pod.PodAction.Stop;
import io.podshim.runtime.pod.PodAction.TearDown;
import io.podshim.runtime.pod.PodAction.WakeAt;
import io.podshim.runtime.pod.PodDecisions.Container;
import io.podshim.runtime.pod.PodDecisions.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pod's decisions as a table, as kubelet tests computePodActions: each case is a pod (its
 * lifecycle, policy and what was observed of each container) and the actions that must follow.
 * Nothing here needs root, a kernel or a clock.
 */
class PodDecisionsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant STOP_AT = NOW.plusSeconds(30);
    private static final BackoffPolicy BACKOFF = BackoffPolicy.KUBERNETES;

    /** A container as the executor observed it; the fluent setters make the table read as sentences. */
    private record C(String name, PodDecisions.Role role, RestartPolicy policy, List<RestartRule> rules,
                     PodDecisions.Status status, boolean startedUp, boolean stopping, Integer exit, Duration ran, int backToBack,
                     Instant restartAt, PodDecisions.Image image, boolean changed) {
        static C of(String name, PodDecisions.Role role) {
            return new C(name, role, null, List.of(), NOT_STARTED, false, false, null, null, 0, null,
                    PodDecisions.Image.ready(PullPolicy.IF_NOT_PRESENT), false);
        }

        /** Its spec was updated (a new image) while this run went on. */
        C respecified() {
            return new C(name, role, policy, rules, status, startedUp, stopping, exit, ran, backToBack, restartAt, image, true);
        }

        C running() {
            return new C(name, role, policy, rules, RUNNING, false, false, null, null, backToBack, null, image, changed);
        }

        C up() {
            return new C(name, role, policy, rules, RUNNING, true, false, null, null, backToBack, null, image, changed);
        }

        C beingStopped() {
            return new C(name, role, policy, rules, RUNNING, startedUp, true, null, null, backToBack, null, image, changed);
        }

        C exited(int code) {
            return new C(name, role, policy, rules, TERMINATED, false, false, code, Duration.ofSeconds(5), backToBack, null, image, changed);
        }

        C ranFor(Duration d) {
            return new C(name, role, policy, rules, status, startedUp, stopping, exit, d, backToBack, restartAt, image, changed);
        }

        C backToBack(int n) {
            return new C(name, role, policy, rules, status, startedUp, stopping, exit, ran, n, restartAt, image, changed);
        }

        C backingOffUntil(Instant at) {
            return new C(name, role, policy, rules, BACKING_OFF, false, false, exit == null ? 1 : exit, ran, backToBack + 1, at, image, changed);
        }

        C policy(RestartPolicy p) {
            return new C(name, role, p, rules, status, startedUp, stopping, exit, ran, backToBack, restartAt, image, changed);
        }

        C rule(boolean in, Integer... codes) {
            List<RestartRule> more = new ArrayList<>(rules);
            more.add(new RestartRule(in, Set.of(codes)));
            return new C(name, role, policy, more, status, startedUp, stopping, exit, ran, backToBack, restartAt, image, changed);
        }

        /** Its image under {@code policy}: in the store or not, no pull yet for its next run. */
        C image(PullPolicy policy, boolean present) {
            return withImage(new PodDecisions.Image(policy, present, false, PodDecisions.Pull.NONE, null, null));
        }

        C pulling() {
            return withImage(new PodDecisions.Image(image.policy(), image.present(), false, PodDecisions.Pull.PULLING, null, null));
        }

        C pullFailed(Instant at, Instant retryAt) {
            return withImage(new PodDecisions.Image(image.policy(), image.present(), false, PodDecisions.Pull.FAILED, at, retryAt));
        }

        C pullBackingOff(Instant at, Instant retryAt) {
            return withImage(new PodDecisions.Image(image.policy(), image.present(), false, PodDecisions.Pull.BACKING_OFF, at, retryAt));
        }

        C pulled() {
            return withImage(new PodDecisions.Image(image.policy(), true, true, PodDecisions.Pull.NONE, null, null));
        }

        private C withImage(PodDecisions.Image i) {
            return new C(name, role, policy, rules, status, startedUp, stopping, exit, ran, backToBack, restartAt, i, changed);
        }

        Container toContainer() {
            return new Container(name, role, policy, rules, status, startedUp, stopping, exit, ran, backToBack, restartAt, image, changed);
        }
    }

    private static Pod pod(PodLifecycle lifecycle, RestartPolicy policy, C... containers) {
        return pod(lifecycle, policy, null, containers);
    }

    private static Pod pod(PodLifecycle lifecycle, RestartPolicy policy, Long deadlineSeconds, C... containers) {
        return new Pod(lifecycle, policy, NOW.minusSeconds(60), deadlineSeconds, lifecycle.stopping() ? STOP_AT : null,
                PodDecisions.Sandbox.READY, null, Stream.of(containers).map(C::toContainer).toList());
    }

    /** A pod whose sandbox is {@code sandbox}, to be tried again at {@code retryAt} (or null). */
    private static Pod sandbox(PodLifecycle lifecycle, PodDecisions.Sandbox sandbox, Instant retryAt, C... containers) {
        Pod p = pod(lifecycle, ALWAYS, containers);
        return new Pod(p.lifecycle(), p.restartPolicy(), lifecycle == PodLifecycle.CREATING ? null : p.startTime(),
                p.activeDeadlineSeconds(), p.stopDeadline(), sandbox, retryAt, p.containers());
    }

    private static C init(String name) {
        return C.of(name, INIT);
    }

    private static C sidecar(String name) {
        return C.of(name, SIDECAR);
    }

    private static C app(String name) {
        return C.of(name, APP);
    }

    private static final PodLifecycle INITIALIZING = PodLifecycle.INITIALIZING;
    private static final PodLifecycle RUNNING_POD = PodLifecycle.RUNNING;
    private static final PodLifecycle FINISHING = PodLifecycle.FINISHING;
    private static final PodLifecycle TERMINATING = PodLifecycle.TERMINATING;
    private static final RestartPolicy ALWAYS = RestartPolicy.ALWAYS;
    private static final RestartPolicy ON_FAILURE = RestartPolicy.ON_FAILURE;
    private static final RestartPolicy NEVER = RestartPolicy.NEVER;

    private static BackOff backOff(String name, int seconds, int count) {
        return new BackOff(name, Duration.ofSeconds(seconds), count);
    }

    private static Arguments row(String name, Pod pod, PodAction... expected) {
        return Arguments.of(name, pod, List.of(expected));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // The sandbox first, made off the supervisor thread and waited for.
                row("a new pod has its sandbox made first",
                        sandbox(PodLifecycle.CREATING, PodDecisions.Sandbox.NONE, null, init("a"), app("web")), new CreateSandbox()),
                row("nothing starts while the sandbox is being made",
                        sandbox(PodLifecycle.CREATING, PodDecisions.Sandbox.MAKING, null, init("a"), app("web"))),
                row("a failed sandbox is tried again once its back-off is over",
                        sandbox(PodLifecycle.CREATING, PodDecisions.Sandbox.NONE, NOW.plusSeconds(10), app("web")),
                        new WakeAt(NOW.plusSeconds(10))),
                row("a failed sandbox whose back-off is over is made again",
                        sandbox(PodLifecycle.CREATING, PodDecisions.Sandbox.NONE, NOW.minusMillis(1), app("web")), new CreateSandbox()),
                row("a pod deleted while its sandbox is being made waits for it, to remove it whole",
                        sandbox(TERMINATING, PodDecisions.Sandbox.MAKING, null, app("web"))),
                row("a pod deleted before any sandbox was made is torn down at once",
                        sandbox(TERMINATING, PodDecisions.Sandbox.NONE, NOW.plusSeconds(10), app("web")), new TearDown()),
                row("a sandbox being removed is waited for",
                        sandbox(TERMINATING, PodDecisions.Sandbox.REMOVING, null, app("web").exited(0))),
                // An update's new image: the running container is replaced, at once, whatever the policy.
                row("an app whose image changed while it runs is stopped to be replaced",
                        pod(RUNNING_POD, ALWAYS, app("web").up().respecified(), app("db").up()), new Replace("web")),
                row("one being stopped for it is waited for",
                        pod(RUNNING_POD, ALWAYS, app("web").beingStopped().respecified(), app("db").up())),
                row("once it has ended it runs again at once, under Never too, with no back-off",
                        pod(RUNNING_POD, NEVER, app("web").exited(143).respecified(), app("db").up()), new Replace("web")),
                row("a sidecar whose image changed is replaced the same way",
                        pod(RUNNING_POD, ALWAYS, sidecar("log").up().respecified(), app("web").up()), new Replace("log")),
                row("an app that was not changed ends and follows its policy as before",
                        pod(RUNNING_POD, NEVER, app("web").exited(0), app("db").up())),
                // Ephemeral containers: at once, ahead of init, once.
                row("an ephemeral container starts at once, while an init container still runs",
                        pod(INITIALIZING, ALWAYS, init("a").running(), app("web"), C.of("debugger", EPHEMERAL)), new Launch("debugger")),
                row("an ended ephemeral container is never started again, whatever the pod's policy",
                        pod(RUNNING_POD, ALWAYS, app("web").running(), C.of("debugger", EPHEMERAL).exited(1))),
                row("an ephemeral container still running does not keep the pod from its outcome",
                        pod(RUNNING_POD, NEVER, app("web").exited(0), C.of("debugger", EPHEMERAL).running()),
                        new Finish(PodPhase.SUCCEEDED, null, null)),
                row("a pod being deleted stops its ephemeral containers with its apps",
                        pod(TERMINATING, ALWAYS, app("web").running(), C.of("debugger", EPHEMERAL).running()),
                        new Stop("web", STOP_AT), new Stop("debugger", STOP_AT)),
                // Init containers, strictly in order.
                row("a new pod starts its first init container only",
                        pod(INITIALIZING, ALWAYS, init("a"), init("b"), app("web")), new Launch("a")),
                row("a running init container holds everything after it",
                        pod(INITIALIZING, ALWAYS, init("a").running(), init("b"), app("web"))),
                row("the next init container starts once the one before succeeded",
                        pod(INITIALIZING, ALWAYS, init("a").exited(0), init("b"), app("web")), new Launch("b")),
                row("the app containers start together once init is done",
                        pod(INITIALIZING, ALWAYS, init("a").exited(0), init("b").exited(0), app("web"), app("log")),
                        new Launch("web"), new Launch("log")),
                row("a pod without init containers starts its apps at once",
                        pod(INITIALIZING, ALWAYS, app("web"), app("log")), new Launch("web"), new Launch("log")),
                // An init container that fails, under each restartPolicy.
                row("Never: a failed init container fails the pod, nothing later starts",
                        pod(INITIALIZING, NEVER, init("a").exited(1), init("b"), app("web")),
                        new Finish(PodPhase.FAILED, null, "init container a failed; restartPolicy Never: the pod fails")),
                row("OnFailure: a failed init container is restarted after a back-off, nothing later starts",
                        pod(INITIALIZING, ON_FAILURE, init("a").exited(1), init("b"), app("web")), backOff("a", 10, 1)),
                row("Always: a failed init container is restarted after a back-off",
                        pod(INITIALIZING, ALWAYS, init("a").exited(2), app("web")), backOff("a", 10, 1)),
                row("an init container in back-off is looked at again when its back-off ends",
                        pod(INITIALIZING, ALWAYS, init("a").exited(1).backingOffUntil(NOW.plusSeconds(7)), app("web")),
                        new WakeAt(NOW.plusSeconds(7))),
                row("an init container whose back-off is over runs again",
                        pod(INITIALIZING, ALWAYS, init("a").exited(1).backingOffUntil(NOW.minusMillis(1)), app("web")),
                        new Launch("a")),
                // Sidecars: started at their place, gating the next init container until started up.
                row("a sidecar is started at its place",
                        pod(INITIALIZING, ALWAYS, init("a").exited(0), sidecar("proxy"), init("b"), app("web")), new Launch("proxy")),
                row("a running sidecar not yet started up (postStart, startup probe) holds the next init container",
                        pod(INITIALIZING, ALWAYS, sidecar("proxy").running(), init("b"), app("web"))),
                row("a started-up sidecar lets the next init container go",
                        pod(INITIALIZING, ALWAYS, sidecar("proxy").up(), init("b"), app("web")), new Launch("b")),
                row("a sidecar that ends during init is restarted, and the next init container waits",
                        pod(INITIALIZING, ALWAYS, sidecar("proxy").exited(1), init("b"), app("web")), backOff("proxy", 10, 1)),
                row("a sidecar is restarted even after exit 0 under Never",
                        pod(INITIALIZING, NEVER, sidecar("proxy").exited(0), app("web")), backOff("proxy", 10, 1)),
                row("once init is done a sidecar that ends is restarted and the apps go on",
                        pod(RUNNING_POD, ALWAYS, sidecar("proxy").exited(137), app("web").running()), backOff("proxy", 10, 1)),
                row("a sidecar that ends while an app ends too: both are decided in one round",
                        pod(RUNNING_POD, ON_FAILURE, sidecar("proxy").exited(1), app("web").exited(3)),
                        backOff("proxy", 10, 1), backOff("web", 10, 1)),
                row("a sidecar whose back-off is over runs again after init",
                        pod(RUNNING_POD, ALWAYS, sidecar("proxy").exited(1).backingOffUntil(NOW), app("web").running()),
                        new Launch("proxy")),
                row("the apps do not wait for a restarting sidecar to finish the pod",
                        pod(RUNNING_POD, NEVER, sidecar("proxy").exited(1).backingOffUntil(NOW.plusSeconds(5)), app("web").exited(0)),
                        new Finish(PodPhase.SUCCEEDED, null, null)),
                // App containers and the pod's restartPolicy.
                row("Always: an app that exits 0 is restarted",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(0)), backOff("web", 10, 1)),
                row("OnFailure: an app that exits 0 is done, and so is the pod",
                        pod(RUNNING_POD, ON_FAILURE, app("web").exited(0)), new Finish(PodPhase.SUCCEEDED, null, null)),
                row("OnFailure: an app that fails is restarted",
                        pod(RUNNING_POD, ON_FAILURE, app("web").exited(1)), backOff("web", 10, 1)),
                row("Never: an app that fails fails the pod once it is the last",
                        pod(RUNNING_POD, NEVER, app("web").exited(1)), new Finish(PodPhase.FAILED, null, null)),
                row("Never: one app done while another runs: nothing yet",
                        pod(RUNNING_POD, NEVER, app("web").exited(0), app("log").running())),
                row("Never: every app done with 0: Succeeded",
                        pod(RUNNING_POD, NEVER, app("web").exited(0), app("log").exited(0)), new Finish(PodPhase.SUCCEEDED, null, null)),
                row("Never: one of them failed: Failed",
                        pod(RUNNING_POD, NEVER, app("web").exited(0), app("log").exited(2)), new Finish(PodPhase.FAILED, null, null)),
                row("OOMKilled (137) is a failure: OnFailure restarts it",
                        pod(RUNNING_POD, ON_FAILURE, app("hog").exited(137)), backOff("hog", 10, 1)),
                row("OOMKilled (137) under Never fails the pod",
                        pod(RUNNING_POD, NEVER, app("hog").exited(137)), new Finish(PodPhase.FAILED, null, null)),
                // Back-off: 10 s doubling to 300 s, forgotten after a long enough run.
                row("the first restart waits 10 s",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1)), backOff("web", 10, 1)),
                row("after 3 back-to-back restarts the wait is 80 s",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1).backToBack(3)), backOff("web", 80, 4)),
                row("the wait stops growing at 300 s",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1).backToBack(10)), backOff("web", 300, 11)),
                row("a run of 10 minutes forgets the earlier crashes",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1).backToBack(6).ranFor(Duration.ofMinutes(10))),
                        backOff("web", 10, 1)),
                // A container's own restartPolicy (Kubernetes 1.35).
                row("Always pod, Never container that exited 0: not restarted while the other runs",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(NEVER).exited(0), app("web").running())),
                row("Always pod, Never container that failed: not restarted, the other one is",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(NEVER).exited(1), app("web").exited(0)), backOff("web", 10, 1)),
                row("Never pod, Always container: restarted after exit 0",
                        pod(RUNNING_POD, NEVER, app("web").policy(ALWAYS).exited(0)), backOff("web", 10, 1)),
                row("Never pod, OnFailure container: restarted after a failure",
                        pod(RUNNING_POD, NEVER, app("web").policy(ON_FAILURE).exited(2)), backOff("web", 10, 1)),
                row("Never pod, OnFailure container that exited 0: the pod succeeds",
                        pod(RUNNING_POD, NEVER, app("web").policy(ON_FAILURE).exited(0)), new Finish(PodPhase.SUCCEEDED, null, null)),
                // restartPolicyRules, checked before the container's restartPolicy.
                row("a rule In [42] restarts on 42 despite Never",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(NEVER).rule(true, 42).exited(42)), backOff("job", 10, 1)),
                row("a rule In [42] does not restart on 1: Never decides, the pod fails",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(NEVER).rule(true, 42).exited(1)), new Finish(PodPhase.FAILED, null, null)),
                row("a rule NotIn [0] restarts on any failure",
                        pod(RUNNING_POD, NEVER, app("job").policy(NEVER).rule(false, 0).exited(3)), backOff("job", 10, 1)),
                row("a rule NotIn [0] leaves exit 0 to Never: Succeeded",
                        pod(RUNNING_POD, NEVER, app("job").policy(NEVER).rule(false, 0).exited(0)), new Finish(PodPhase.SUCCEEDED, null, null)),
                row("no rule matches exit 0 under OnFailure: done",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(ON_FAILURE).rule(true, 42).rule(true, 43).exited(0)),
                        new Finish(PodPhase.SUCCEEDED, null, null)),
                row("the second rule matches when the first does not",
                        pod(RUNNING_POD, ALWAYS, app("job").policy(NEVER).rule(true, 42).rule(true, 7).exited(7)), backOff("job", 10, 1)),
                // activeDeadlineSeconds counts from the sandbox, init included.
                row("the deadline passes during init: Failed, DeadlineExceeded, nothing else",
                        pod(INITIALIZING, ALWAYS, 60L, init("a").running(), app("web")),
                        new Finish(PodPhase.FAILED, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline (60s)")),
                row("before the deadline the pod is looked at again when it falls",
                        pod(INITIALIZING, ALWAYS, 90L, init("a").exited(0), app("web")),
                        new WakeAt(NOW.plusSeconds(30)), new Launch("web")),
                row("the deadline passes while the apps run",
                        pod(RUNNING_POD, ALWAYS, 30L, app("web").running()),
                        new Finish(PodPhase.FAILED, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline (30s)")),
                // Termination: apps first, then sidecars one by one, the last started first; one grace.
                row("finishing: the apps are stopped first, the sidecars keep running",
                        pod(FINISHING, ALWAYS, sidecar("a").up(), sidecar("b").up(), app("web").running(), app("log").running()),
                        new Stop("web", STOP_AT), new Stop("log", STOP_AT)),
                row("apps being stopped: nothing more until they are gone",
                        pod(FINISHING, ALWAYS, sidecar("a").up(), app("web").beingStopped())),
                row("apps gone: the last sidecar goes first",
                        pod(FINISHING, ALWAYS, sidecar("a").up(), sidecar("b").up(), app("web").exited(143)), new Stop("b", STOP_AT)),
                row("a sidecar being stopped: the others wait",
                        pod(FINISHING, ALWAYS, sidecar("a").up(), sidecar("b").beingStopped(), app("web").exited(143))),
                row("then the one before it",
                        pod(FINISHING, ALWAYS, sidecar("a").up(), sidecar("b").exited(143), app("web").exited(0)), new Stop("a", STOP_AT)),
                row("nothing runs any more: tear down",
                        pod(FINISHING, ALWAYS, sidecar("a").exited(143), app("web").exited(0)), new TearDown()),
                row("deleted during init: the running init container is stopped before the sidecars",
                        pod(TERMINATING, ALWAYS, sidecar("proxy").up(), init("b").running(), app("web")), new Stop("b", STOP_AT)),
                row("deleted: what waits in back-off is not started again",
                        pod(TERMINATING, ALWAYS, app("web").exited(1).backingOffUntil(NOW.minusSeconds(1))), new TearDown()),
                row("deleted while finishing: ended containers are not restarted",
                        pod(TERMINATING, ALWAYS, app("web").exited(1), app("log").running()), new Stop("log", STOP_AT)),
                // A daemon that was restarted: the same decisions from what it finds.
                row("after a restart: a container that ended while the daemon was down backs off as its policy says",
                        pod(RUNNING_POD, ALWAYS, app("quitter").exited(3), app("counter").running()), backOff("quitter", 10, 1)),
                row("after a restart: a back-off that ended while the daemon was down runs at once",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1).backingOffUntil(NOW.minusSeconds(20))), new Launch("web")),
                row("after a restart: a back-off still under way keeps its time",
                        pod(RUNNING_POD, ALWAYS, app("web").exited(1).backingOffUntil(NOW.plusSeconds(40))), new WakeAt(NOW.plusSeconds(40))),
                row("after a restart: an init container that succeeded meanwhile lets the next one go",
                        pod(INITIALIZING, NEVER, init("a").exited(0), init("b"), app("web")), new Launch("b")),
                row("after a restart: a deletion under way goes on with its own deadline",
                        pod(TERMINATING, ALWAYS, app("web").running()), new Stop("web", STOP_AT)),
                row("a pod being created or done asks for nothing",
                        pod(PodLifecycle.DONE, ALWAYS, app("web").exited(0))),
                // Images, as kubelet's EnsureImageExists before each start.
                row("IfNotPresent: an image in the store is used as it is",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, true)), new Launch("web")),
                row("IfNotPresent: an image not in the store is pulled first",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false)), new PullImage("web")),
                row("Always: the image is pulled before the run even when the store has it",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.ALWAYS, true)), new PullImage("web")),
                row("Always: once pulled, the container runs",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.ALWAYS, true).pulled()), new Launch("web")),
                row("Always: a restart after its back-off pulls again",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.ALWAYS, true).exited(1).backingOffUntil(NOW.minusSeconds(1))),
                        new PullImage("web")),
                row("Never: an image not in the store is not pulled but reported",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.NEVER, false)), new ImageNeverPulled("web")),
                row("Never: an image in the store is used",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.NEVER, true)), new Launch("web")),
                row("Never: the store is looked at again after the back-off",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.NEVER, false).pullBackingOff(NOW.minusSeconds(10),
                                NOW.plusSeconds(10))), new WakeAt(NOW.plusSeconds(10))),
                row("a pull under way is waited for, and asks for nothing",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pulling())),
                row("two containers pull their images together",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false), app("log").image(PullPolicy.ALWAYS, true)),
                        new PullImage("web"), new PullImage("log")),
                row("an init container's pull holds the containers after it",
                        pod(INITIALIZING, ALWAYS, init("a").image(PullPolicy.IF_NOT_PRESENT, false).pulling(), app("web"))),
                row("a failed pull is ErrImagePull for the first half of its back-off",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pullFailed(NOW.minusSeconds(2),
                                NOW.plusSeconds(8))), new WakeAt(NOW.plusSeconds(3))),
                row("then it shows ImagePullBackOff",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pullFailed(NOW.minusSeconds(6),
                                NOW.plusSeconds(4))), new ShowPullBackOff("web")),
                row("ImagePullBackOff waits for the end of the back-off",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pullBackingOff(NOW.minusSeconds(6),
                                NOW.plusSeconds(4))), new WakeAt(NOW.plusSeconds(4))),
                row("after the back-off the pull is tried again",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pullBackingOff(NOW.minusSeconds(20),
                                NOW.minusSeconds(10))), new PullImage("web")),
                row("an image that came meanwhile ends the back-off's wait at its end, not before",
                        pod(RUNNING_POD, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, true).pullBackingOff(NOW.minusSeconds(6),
                                NOW.plusSeconds(4))), new WakeAt(NOW.plusSeconds(4))),
                row("a pull failing is no restart: the pod is not failed for it under restartPolicy Never",
                        pod(RUNNING_POD, NEVER, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pullBackingOff(NOW.minusSeconds(6),
                                NOW.plusSeconds(4))), new WakeAt(NOW.plusSeconds(4))),
                row("a deletion stops no pull: a container never started needs no stop",
                        pod(TERMINATING, ALWAYS, app("web").image(PullPolicy.IF_NOT_PRESENT, false).pulling()), new TearDown()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, Pod pod, List<PodAction> expected) {
        assertEquals(expected, PodDecisions.decide(pod, NOW, BACKOFF));
        assertEquals(expected, PodDecisions.decide(pod, NOW, BACKOFF), "the same input, the same answer");
    }
}
