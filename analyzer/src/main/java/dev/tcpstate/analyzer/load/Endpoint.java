package dev.tcpstate.analyzer.load;

/** One end of a connection. Printed as {@code address:port}, with IPv6 addresses in brackets. */
public record Endpoint(String address, int port) {
    public static final Endpoint NONE = new Endpoint("", 0);

    public Endpoint {
        address = address == null ? "" : normalise(address);
    }

    /** IPv4-mapped IPv6 addresses are how dual-stack sockets look to the kernel; show them as IPv4. */
    private static String normalise(String address) {
        String a = address.trim();
        if (a.startsWith("/")) {
            a = a.substring(1);
        }
        if (a.regionMatches(true, 0, "::ffff:", 0, 7) && a.indexOf('.') > 0) {
            return a.substring(7);
        }
        return a;
    }

    public boolean isNone() {
        return address.isEmpty() && port == 0;
    }

    /** The address alone, bracketed when it is IPv6. */
    public String host() {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    @Override
    public String toString() {
        return isNone() ? "-" : host() + ":" + port;
    }
}
