package io.podshim.runtime.cri;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerExec;
import java.util.function.Supplier;

/**
 * One answer per call, and a failure as the gRPC status a CRI client acts on: what was asked for is
 * not there (NOT_FOUND), the request is wrong (INVALID_ARGUMENT), the state does not allow it now
 * (FAILED_PRECONDITION), a deadline passed; the message is podshim's one line, never a stack trace.
 */
final class CriCalls {
    private CriCalls() {}

    static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        T message;
        try {
            message = work.get();
        } catch (RuntimeException e) {
            response.onError(status(e).asRuntimeException());
            return;
        }
        response.onNext(message);
        response.onCompleted();
    }

    static Status status(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof ContainerExec.TimedOut) {
            return Status.DEADLINE_EXCEEDED.withDescription(message);
        }
        if (e instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(message);
        }
        if (!(e instanceof PodException p)) {
            return Status.UNKNOWN.withDescription(message);
        }
        Status status = switch (p.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case FAILED -> Status.UNKNOWN;
        };
        return status.withDescription(message);
    }
}
