package io.podshim.runtime.pod;

import java.time.Instant;

/** Something that happened to a pod, as {@code kubectl describe} lists it (Normal or Warning). */
public record PodEvent(Instant time, String type, String reason, String object, String message) {}
