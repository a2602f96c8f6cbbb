package io.podshim.runtime.image;

/** Told as an import applies each layer, so a terminal can show where it is. */
@FunctionalInterface
public interface ImportProgress {
    ImportProgress NONE = (index, count, digest) -> { };

    void layer(int index, int count, String digest);
}
