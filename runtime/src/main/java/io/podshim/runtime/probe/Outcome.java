package io.podshim.runtime.probe;

/**
 * How one run of an {@link Action} went: success, or a failure with the reason a person needs
 * (the status code, the exit code and output, the connection error, the timeout).
 */
public record Outcome(boolean success, String message) {
    static Outcome ok(String message) {
        return new Outcome(true, message);
    }

    static Outcome failed(String message) {
        return new Outcome(false, message);
    }
}
