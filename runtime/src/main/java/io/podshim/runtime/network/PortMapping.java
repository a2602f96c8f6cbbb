package io.podshim.runtime.network;

/**
 * A container port published on the node ({@code ports[].hostPort}), as CNI's portMappings
 * capability carries it to the portmap plugin.
 *
 * @param protocol "tcp" or "udp" (CNI spells them in lower case)
 * @param hostIP the node address it listens on, or "" for all of them
 */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIP) {}
