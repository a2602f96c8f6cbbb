package io.podshim.linux;

/**
 * Setup work that must run inside a plan's namespaces before anything is spawned there: set the
 * hostname, bring {@code lo} up, mount /dev/shm… It runs on the namespace thread, so it sees that
 * thread's namespaces, root and working directory, and nothing it does reaches other JVM threads.
 */
@FunctionalInterface
public interface NamespaceStep {
    void apply() throws Exception;
}
