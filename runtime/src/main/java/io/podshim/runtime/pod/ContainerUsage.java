package io.podshim.runtime.pod;

/**
 * What one container of a running pod uses now, read from its own cgroup, beside the limits its
 * manifest gives it: what {@code kubectl top} shows, and what a picture of the pod charts.
 *
 * @param memoryBytes the cgroup's memory use (v1 memory.usage_in_bytes, v2 memory.current), -1 if unread
 * @param cpuNanos CPU time used since the cgroup was made, -1 if unread
 * @param memoryLimitBytes {@code resources.limits.memory}, null without one
 * @param cpuLimitMilli {@code resources.limits.cpu} in millicores, null without one
 */
public record ContainerUsage(String container, long memoryBytes, long cpuNanos, long pids, Long memoryLimitBytes,
                             Long cpuLimitMilli) {}
