package io.podshim.runtime.image.registry;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The proxy a registry is reached through, from the variables every container tool reads:
 * {@code HTTPS_PROXY} for https, {@code HTTP_PROXY} for http (either case), and {@code NO_PROXY}: a
 * comma-separated list of hosts, domains ({@code .example.com} or {@code example.com} covers its
 * subdomains), {@code host:port}, IP addresses or CIDR blocks, or {@code *} for none at all.
 * Loopback is never proxied, as curl and Go's net/http do not proxy it.
 */
final class RegistryProxy {
    private final URI https;
    private final URI http;
    private final List<String> noProxy;

    RegistryProxy(Map<String, String> env) {
        this.https = proxy(env, "HTTPS_PROXY");
        this.http = proxy(env, "HTTP_PROXY");
        String no = first(env, "NO_PROXY");
        this.noProxy = no == null ? List.of() : List.of(no.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    static RegistryProxy fromEnvironment() {
        return new RegistryProxy(System.getenv());
    }

    /** Each proxy that is set, with the scheme ("https", "http") of the requests it carries. */
    void forEachProxy(java.util.function.BiConsumer<String, InetSocketAddress> each) {
        if (https != null) {
            each.accept("https", address(https));
        }
        if (http != null) {
            each.accept("http", address(http));
        }
    }

    private static InetSocketAddress address(URI proxy) {
        int port = proxy.getPort() >= 0 ? proxy.getPort() : "https".equalsIgnoreCase(proxy.getScheme()) ? 443 : 80;
        return InetSocketAddress.createUnresolved(proxy.getHost(), port);
    }

    /** NO_PROXY as curl and Go read it. */
    boolean bypassed(String host, int port) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (loopback(h)) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String e = entry;
            int colon = e.lastIndexOf(':');
            if (colon > 0 && e.indexOf(':') == colon && e.substring(colon + 1).matches("\\d+")) {
                if (Integer.parseInt(e.substring(colon + 1)) != port) {
                    continue;
                }
                e = e.substring(0, colon);
            }
            if (e.contains("/") ? inCidr(h, e) : e.startsWith(".") ? h.endsWith(e) || h.equals(e.substring(1))
                    : h.equals(e) || h.endsWith("." + e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code host} (a name or an address, brackets off) is this machine's loopback. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    private static boolean inCidr(String host, String cidr) {
        try {
            String[] parts = cidr.split("/");
            byte[] net = java.net.InetAddress.getByName(parts[0]).getAddress();
            if (!host.matches("[0-9.]+|[0-9a-f:]+")) {
                return false; // a name, not an address: CIDR blocks match addresses only
            }
            byte[] addr = java.net.InetAddress.getByName(host).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (net.length != addr.length || bits > net.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return false; // not a block: it matches nothing
        }
    }

    private static URI proxy(Map<String, String> env, String name) {
        String value = first(env, name);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value.contains("://") ? value : "http://" + value);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null) {
            throw io.podshim.runtime.PodException.invalid("$" + name + " \"" + value + "\" is not a proxy address: use"
                    + " http://HOST:PORT");
        }
        return uri;
    }

    private static String first(Map<String, String> env, String name) {
        String upper = env.get(name);
        String value = upper != null && !upper.isBlank() ? upper : env.get(name.toLowerCase(java.util.Locale.ROOT));
        return value == null || value.isBlank() ? null : value.trim();
    }
}
