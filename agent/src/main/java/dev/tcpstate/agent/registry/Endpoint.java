package dev.tcpstate.agent.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One side of a connection: its address as printed in events and as the kernel's 128-bit form
 * (IPv4 as {@code ::ffff:a.b.c.d}), so that a tracked connection and a kernel row compare as numbers.
 */
public record Endpoint(String address, int port, long hi, long lo) {

    public static final Endpoint UNKNOWN = new Endpoint("", 0, 0, 0);

    private static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    public static Endpoint of(SocketAddress socketAddress) {
        if (!(socketAddress instanceof InetSocketAddress)) {
            return UNKNOWN;
        }
        InetSocketAddress isa = (InetSocketAddress) socketAddress;
        InetAddress ip = isa.getAddress();
        if (ip == null) {
            return new Endpoint(isa.getHostString(), isa.getPort(), 0, 0);
        }
        return of(ip, isa.getPort());
    }

    public static Endpoint of(InetAddress ip, int port) {
        if (ip == null) {
            return port == 0 ? UNKNOWN : new Endpoint("", port, 0, 0);
        }
        byte[] b = ip.getAddress();
        if (ip instanceof Inet4Address) {
            long v4 = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            return new Endpoint(v4Text(v4), port, 0, V4_MAPPED_LO_PREFIX | v4);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xFF);
            lo = (lo << 8) | (b[i + 8] & 0xFF);
        }
        return new Endpoint(format6((Inet6Address) ip, hi, lo), port, hi, lo);
    }

    /** The kernel's form of an address back to text, for connections the kernel showed us first. */
    public static Endpoint ofKernel(long hi, long lo, int port) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return new Endpoint(v4Text(lo & 0xFFFF_FFFFL), port, hi, lo);
        }
        return new Endpoint(compress(hi, lo), port, hi, lo);
    }

    /**
     * The dotted text of an IPv4 address, one shared String per address: a service talks to few
     * peers, and every tracked connection would otherwise hold its own copy.
     */
    static String v4Text(long v4) {
        String text = V4_TEXT.get(v4);
        return text != null ? text : kept(V4_TEXT, v4,
                (v4 >>> 24) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + "." + (v4 & 0xFF));
    }

    /**
     * One shared instance per endpoint a client connects to: an application opens many connections
     * to few servers, and each connection would otherwise hold its own copy.
     */
    static Endpoint shared(Endpoint e) {
        Endpoint known = SHARED.get(e);
        return known != null ? known : kept(SHARED, e, e);
    }

    /** What {@code cache} holds for {@code key}, after keeping {@code value} there while it has room. */
    private static <K, V> V kept(ConcurrentHashMap<K, V> cache, K key, V value) {
        if (cache.size() >= CACHE_CAPACITY) {
            return value;
        }
        V known = cache.putIfAbsent(key, value);
        return known != null ? known : value;
    }

    private static final int CACHE_CAPACITY = 4096;
    private static final ConcurrentHashMap<Long, String> V4_TEXT = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Endpoint, Endpoint> SHARED = new ConcurrentHashMap<>();

    private static String format6(Inet6Address ip, long hi, long lo) {
        String text = compress(hi, lo);
        return ip.getScopeId() != 0 ? text + "%" + ip.getScopeId() : text;
    }

    /** RFC 5952 text: lower-case hex, the longest run of zero groups as {@code ::}. */
    static String compress(long hi, long lo) {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** A known address that is not a wildcard (0.0.0.0, ::) nor an unresolved name. */
    public boolean isSpecific() {
        return port != 0 && !isWildcard(hi, lo);
    }

    /** {@code ::}, {@code 0.0.0.0} in its mapped form, or no address at all. */
    static boolean isWildcard(long hi, long lo) {
        return hi == 0 && (lo == 0 || lo == V4_MAPPED_LO_PREFIX);
    }

    public boolean isKnown() {
        return port != 0 || !address.isEmpty();
    }

    @Override
    public String toString() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
