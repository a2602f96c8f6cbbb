package io.podshim.runtime.image;

import java.util.List;
import java.util.Locale;

/**
 * An image as {@code image ls} lists it, podman's columns: repository and tag (from its name), the
 * digest of its manifest (null when it came without one), id, and the size of its unpacked files
 * (-1 when unknown, as for a directory used in place).
 */
public record ImageInfo(String name, String repository, String tag, String digest, String id, long size) {
    static ImageInfo of(String name, String digest, String id, long size) {
        int at = name.indexOf('@');
        String repository = at >= 0 ? name.substring(0, at) : name;
        String tag = "<none>";
        int colon = repository.lastIndexOf(':');
        if (colon > repository.lastIndexOf('/')) {
            tag = repository.substring(colon + 1);
            repository = repository.substring(0, colon);
        }
        if (digest == null && at >= 0) {
            digest = name.substring(at + 1);
        }
        return new ImageInfo(name, repository, tag, digest, id, size);
    }

    /** The table {@code podshim image ls} prints. */
    public static String table(List<ImageInfo> images) {
        StringBuilder out = new StringBuilder(String.format("%-40s %-12s %-19s %-19s %s%n", "REPOSITORY", "TAG", "DIGEST", "IMAGE ID",
                "SIZE"));
        for (ImageInfo i : images) {
            out.append(String.format("%-40s %-12s %-19s %-19s %s%n", i.repository(), i.tag(), shortDigest(i.digest()),
                    shortDigest(i.id()), i.size() < 0 ? "-" : humanSize(i.size())));
        }
        return out.toString();
    }

    private static String shortDigest(String digest) {
        if (digest == null) {
            return "<none>";
        }
        int colon = digest.indexOf(':');
        String hex = digest.substring(colon + 1);
        return digest.substring(0, colon + 1) + (hex.length() > 12 ? hex.substring(0, 12) : hex);
    }

    /** As podman prints sizes: decimal units, three significant figures. */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
