package io.podshim.runtime.cri;

import static io.podshim.runtime.cri.CriCalls.answer;

import io.grpc.stub.StreamObserver;
import io.podshim.cri.v1.ImageFsInfoRequest;
import io.podshim.cri.v1.ImageFsInfoResponse;
import io.podshim.cri.v1.ImageServiceGrpc;
import io.podshim.cri.v1.ImageStatusRequest;
import io.podshim.cri.v1.ImageStatusResponse;
import io.podshim.cri.v1.ListImagesRequest;
import io.podshim.cri.v1.ListImagesResponse;
import io.podshim.cri.v1.PullImageRequest;
import io.podshim.cri.v1.PullImageResponse;
import io.podshim.cri.v1.RemoveImageRequest;
import io.podshim.cri.v1.RemoveImageResponse;

/**
 * runtime.v1 ImageService over podshim's image store, the one its own pods use: an image pulled
 * through the CRI is one {@code podshim image ls} lists, and the other way round.
 */
final class CriImageService extends ImageServiceGrpc.ImageServiceImplBase {
    private final CriImages images;

    CriImageService(CriImages images) {
        this.images = images;
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
        answer(response, () -> ListImagesResponse.newBuilder().addAllImages(images.list(request.getFilter().getImage().getImage()))
                .build());
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
        // An image not there is an empty answer, not an error: it is how kubelet asks whether to pull.
        answer(response, () -> {
            ImageStatusResponse.Builder status = ImageStatusResponse.newBuilder();
            images.status(request.getImage().getImage()).ifPresent(status::setImage);
            return status.build();
        });
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
        answer(response, () -> PullImageResponse.newBuilder().setImageRef(images.pull(request.getImage().getImage(),
                request.getAuth())).build());
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
        answer(response, () -> {
            images.remove(request.getImage().getImage());
            return RemoveImageResponse.getDefaultInstance();
        });
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
        answer(response, () -> ImageFsInfoResponse.newBuilder().addImageFilesystems(images.usage()).build());
    }
}
