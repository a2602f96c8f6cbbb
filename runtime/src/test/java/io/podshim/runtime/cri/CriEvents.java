package io.podshim.runtime.cri;

import io.grpc.Context;
import io.podshim.cri.v1.ContainerEventResponse;
import io.podshim.cri.v1.ContainerEventType;
import io.podshim.cri.v1.GetEventsRequest;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The CRI's container events as a client follows them (GetContainerEvents, kubelet's evented
 * PLEG): tests wait on them instead of asking for a status again and again.
 */
final class CriEvents implements AutoCloseable {
    private final LinkedBlockingQueue<ContainerEventResponse> queue = new LinkedBlockingQueue<>();
    private final List<ContainerEventResponse> seen = new ArrayList<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    CriEvents(io.grpc.Channel channel) {
        context.run(() -> RuntimeServiceGrpc.newStub(channel).getContainerEvents(GetEventsRequest.getDefaultInstance(),
                new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(ContainerEventResponse event) {
                        queue.add(event);
                    }

                    @Override
                    public void onError(Throwable t) {
                        // cancelled by close, or the server went: waits fail by their own deadline
                    }

                    @Override
                    public void onCompleted() {}
                }));
    }

    /** The event of {@code type} for {@code container}, waited for at most {@code patience}; events before it are kept. */
    ContainerEventResponse await(String container, ContainerEventType type, Duration patience) throws InterruptedException {
        for (ContainerEventResponse e : seen) {
            if (e.getContainerId().equals(container) && e.getContainerEventType() == type) {
                return e;
            }
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            ContainerEventResponse e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + type + " of " + container + " within " + patience.toSeconds() + " s; seen: "
                        + seen.stream().map(s -> s.getContainerId().substring(0, 12) + " " + s.getContainerEventType()).toList());
            }
            seen.add(e);
            if (e.getContainerId().equals(container) && e.getContainerEventType() == type) {
                return e;
            }
        }
    }

    @Override
    public void close() {
        context.cancel(null);
    }
}
