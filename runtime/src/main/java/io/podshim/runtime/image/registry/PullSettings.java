package io.podshim.runtime.image.registry;

import java.nio.file.Path;

/**
 * What a pull takes from the node: where the credentials are, the CAs, the registries.conf.
 *
 * @param authFile an auth file to read, or null for the usual places ({@link RegistryAuth})
 * @param certDir CA certificates for every registry of the pull, or null for certs.d ({@link RegistryTls})
 * @param registries mirrors, remapped locations, insecure and blocked registries; null for the
 *     node's, read afresh for every pull (as podman reads it for every command), so an edit needs no restart
 */
public record PullSettings(Path authFile, Path certDir, RegistriesConf registries) {
    /** The node's own: the usual auth files, certs.d, {@link RegistriesConf#node()} at each pull. */
    public static PullSettings node() {
        return new PullSettings(null, null, null);
    }

    /** The registries.conf to use now. */
    RegistriesConf registriesNow() {
        return registries != null ? registries : RegistriesConf.node();
    }
}
