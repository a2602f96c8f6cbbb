package io.podshim.runtime.cri;

import io.podshim.cri.v1.ImageServiceGrpc;

/**
 * runtime.v1 ImageService. Its calls answer UNIMPLEMENTED until podshim's image store is behind
 * them; served now so a client that dials it learns that from the call, not from a missing service.
 */
final class CriImageService extends ImageServiceGrpc.ImageServiceImplBase {
}
