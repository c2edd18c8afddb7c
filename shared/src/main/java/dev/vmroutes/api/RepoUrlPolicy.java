package dev.vmroutes.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which repository addresses a deploy may name: {@code https://} and SSH forms only, no
 * credentials in the address, and a host whose every address is public, unless the host is
 * listed in {@code VM_GIT_ALLOWED_HOSTS} (then {@code http://} is allowed too).
 */
public final class RepoUrlPolicy {

    private static final String FIELD = "repo_url";
    private static final Pattern SCP_LIKE = Pattern.compile("^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):(?!//)([^\\s]+)$");
    private static final Pattern HOST_NAME = Pattern.compile("^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");
    private static final Pattern DOTTED_QUAD = Pattern.compile("^(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}$");
    private static final Pattern NUMERIC_HOST = Pattern.compile("^(0x[0-9a-f]+|[0-9.]+|0[0-7]*)(\\.(0x[0-9a-f]+|[0-9]+))*$", Pattern.CASE_INSENSITIVE);

    private final Set<String> allowedHosts;
    private final Function<String, InetAddress[]> resolver;

    public RepoUrlPolicy(Set<String> allowedHosts, Function<String, InetAddress[]> resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    public static RepoUrlPolicy fromEnvironment(java.util.Map<String, String> env) {
        String list = env.getOrDefault("VM_GIT_ALLOWED_HOSTS", "");
        Set<String> hosts = java.util.Arrays.stream(list.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.toSet());
        return new RepoUrlPolicy(hosts, RepoUrlPolicy::resolveAll);
    }

    /** Every address of {@code host}; none when it does not resolve. */
    public static InetAddress[] resolveAll(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    public RepoUrl check(String url) {
        if (url.length() > 2048) throw VmException.invalid(FIELD, "longer than 2048 characters");
        if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw VmException.invalid(FIELD, "must not contain spaces, control or non-ASCII characters");
        }
        if (url.startsWith("-")) throw VmException.invalid(FIELD, "must not start with '-'");
        Matcher scp = SCP_LIKE.matcher(url);
        if (!url.contains("://") && scp.matches()) {
            String host = stripBrackets(scp.group(2));
            checkHost(host, true);
            return new RepoUrl(url, true, host);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw VmException.invalid(FIELD, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || uri.getRawAuthority() == null) {
            throw VmException.invalid(FIELD, "must be https://host/path, ssh://host/path or user@host:path");
        }
        host = stripBrackets(host);
        String userInfo = uri.getRawUserInfo();
        switch (scheme) {
            case "https" -> {
                if (userInfo != null) throw VmException.invalid(FIELD, "must not carry credentials; use auth_token");
            }
            case "http" -> {
                if (userInfo != null) throw VmException.invalid(FIELD, "must not carry credentials; use auth_token");
                if (!allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
                    throw VmException.invalid(FIELD, "http:// is allowed only for hosts in VM_GIT_ALLOWED_HOSTS; use https://");
                }
            }
            case "ssh" -> {
                if (userInfo != null && userInfo.contains(":")) {
                    throw VmException.invalid(FIELD, "must not carry a password; use ssh_key_path");
                }
            }
            default -> throw VmException.invalid(FIELD, "scheme must be https or ssh");
        }
        if (uri.getRawPath() == null || uri.getRawPath().length() < 2) {
            throw VmException.invalid(FIELD, "must name a repository path");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw VmException.invalid(FIELD, "must not have a query or fragment");
        }
        checkHost(host, scheme.equals("ssh"));
        return new RepoUrl(url, scheme.equals("ssh"), host);
    }

    private void checkHost(String host, boolean ssh) {
        String lower = host.toLowerCase(Locale.ROOT);
        boolean literal6 = host.contains(":");
        if (!literal6 && !HOST_NAME.matcher(host).matches()) {
            throw VmException.invalid(FIELD, "host is not a valid host name");
        }
        if (!literal6 && NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            throw VmException.invalid(FIELD, "host must be a name or a dotted IPv4 address");
        }
        if (allowedHosts.contains(lower)) return;
        InetAddress[] addresses = resolver.apply(host);
        if (addresses.length == 0) throw VmException.invalid(FIELD, "host does not resolve");
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw VmException.invalid(FIELD, "host resolves to a non-public address; allow it in VM_GIT_ALLOWED_HOSTS if intended");
            }
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** False for loopback, private, link-local, CGNAT, unique-local, unspecified, multicast, mapped and reserved addresses. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff, a1 = b[1] & 0xff, a2 = b[2] & 0xff;
            if (a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224) return false;
            if (a0 == 100 && (a1 & 0xc0) == 64) return false;          // 100.64.0.0/10 CGNAT
            if (a0 == 169 && a1 == 254) return false;                  // link-local, cloud metadata
            if (a0 == 172 && (a1 & 0xf0) == 16) return false;
            if (a0 == 192 && a1 == 168) return false;
            if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) return false;
            if (a0 == 198 && (a1 == 18 || a1 == 19)) return false;     // benchmarking
            if (a0 == 198 && a1 == 51 && a2 == 100) return false;
            if (a0 == 203 && a1 == 0 && a2 == 113) return false;
            return true;
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) return false;                  // fc00::/7 unique local
            if (first == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // fe80::/10
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) return false;  // fec0::/10 site local
            boolean leadingZeros = true;
            for (int i = 0; i < 10; i++) leadingZeros &= b[i] == 0;
            if (leadingZeros) return false;                            // ::, ::1, ::ffff:a.b.c.d, ::a.b.c.d
            if (first == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) return false; // documentation
            if (first == 0x20 && b[1] == 0x02) return false;           // 6to4 can embed private IPv4
            if (first == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) return false; // NAT64
            return true;
        }
        return false;
    }
}
