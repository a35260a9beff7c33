package dev.tcpstate.agent.kernel;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Cheap figures about the whole network namespace (the host, outside containers): how many
 * sockets are in TIME_WAIT, from {@code /proc/net/sockstat} ({@code TCP: ... tw N}), and the
 * ephemeral port range, from {@code /proc/sys/net/ipv4/ip_local_port_range}. Each is -1 where the
 * file is missing or unreadable (non-Linux). One small file read per call; not thread-safe.
 */
public final class HostTcpStats {
    private final Path sockstat;
    private final Path portRange;
    private final byte[] buffer = new byte[4096];

    HostTcpStats(Path sockstat, Path portRange) {
        this.sockstat = sockstat;
        this.portRange = portRange;
    }

    public static HostTcpStats ofThisProcess() {
        return new HostTcpStats(Paths.get("/proc/net/sockstat"), Paths.get("/proc/sys/net/ipv4/ip_local_port_range"));
    }

    /** Sockets in TIME_WAIT in this network namespace, or -1. */
    public long timeWaitCount() {
        int n = readAll(sockstat);
        int tcp = find(buffer, 0, n, "\nTCP:");
        int at = tcp < 0 ? (startsWith(buffer, 0, n, "TCP:") ? 0 : -1) : tcp + 1;
        if (at < 0) {
            return -1;
        }
        int lineEnd = at;
        while (lineEnd < n && buffer[lineEnd] != '\n') {
            lineEnd++;
        }
        int tw = find(buffer, at, lineEnd, " tw ");
        return tw < 0 ? -1 : number(buffer, tw + 4, lineEnd);
    }

    /** The lowest ephemeral port, or -1. */
    public int ephemeralPortLow() {
        return (int) portRange(false);
    }

    /** The highest ephemeral port, or -1. */
    public int ephemeralPortHigh() {
        return (int) portRange(true);
    }

    private long portRange(boolean high) {
        int n = readAll(portRange);
        int p = skipBlanks(buffer, 0, n);
        long low = number(buffer, p, n);
        if (!high || low < 0) {
            return low;
        }
        while (p < n && buffer[p] >= '0' && buffer[p] <= '9') {
            p++;
        }
        return number(buffer, skipBlanks(buffer, p, n), n);
    }

    /** Reads the file into the buffer; its length, or 0 when it cannot be read. */
    private int readAll(Path file) {
        try (InputStream in = new FileInputStream(file.toFile())) {
            int n = 0;
            for (int r; n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += r;
            }
            return n;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static int skipBlanks(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    private static long number(byte[] b, int p, int end) {
        long v = 0;
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9' && p - start < 18) {
            v = v * 10 + (b[p++] - '0');
        }
        return p == start ? -1 : v;
    }

    private static boolean startsWith(byte[] b, int at, int end, String s) {
        if (end - at < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int find(byte[] b, int from, int end, String s) {
        for (int i = from; i <= end - s.length(); i++) {
            if (startsWith(b, i, end, s)) {
                return i;
            }
        }
        return -1;
    }
}
