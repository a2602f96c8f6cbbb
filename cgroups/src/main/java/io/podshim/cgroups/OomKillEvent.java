package io.podshim.cgroups;

/**
 * The OOM killer killed {@code kills} processes in {@code cgroup} (more than when last looked). The
 * runtime reports a container that died by SIGKILL with such an event as {@code OOMKilled}.
 */
public record OomKillEvent(CgroupPath cgroup, long kills) {}
