package dev.tcpstate.agent.kernel;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Reads {@code /proc/self/net/tcp6} and {@code /proc/self/net/tcp} on bytes: one reused buffer, hex
 * parsed by hand, no allocation per row.
 *
 * <p>Formats, as {@code net/ipv6/tcp_ipv6.c} and {@code net/ipv4/tcp_ipv4.c} print them:
 * {@code sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...}. A {@code tcp6} address is four
 * 32-bit words, each printed as a number in host byte order; a {@code tcp} address is one such word.
 * Ports are printed as numbers. {@code when} counts clock ticks of USER_HZ, which is 100 on every
 * mainstream Linux architecture (x86, arm, arm64, ppc, s390, riscv): checked here against
 * {@code ss -tano}, which printed {@code timewait,19sec} for a row whose {@code when} was 0x787 (1927).
 * These files cover the whole network namespace, not just this process.
 */
public final class ProcTcpTable implements KernelTable {
    static final long MILLIS_PER_TICK = 10;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
    }

    private final Path tcp6;
    private final Path tcp;
    private byte[] buffer = new byte[64 * 1024];
    private final KernelRow row = new KernelRow();
    private long malformedRows;

    // cursor of the row being parsed; fields rather than locals so the parse needs no return objects
    private int at;
    private long hi;
    private long lo;

    ProcTcpTable(Path tcp6, Path tcp) {
        this.tcp6 = tcp6;
        this.tcp = tcp;
    }

    /** The table of this process's network namespace, or {@code null} when this OS has none. */
    public static ProcTcpTable ofThisProcess() {
        Path tcp6 = Paths.get("/proc/self/net/tcp6");
        Path tcp = Paths.get("/proc/self/net/tcp");
        if (!Files.isReadable(tcp6) && !Files.isReadable(tcp)) {
            return null;
        }
        return new ProcTcpTable(tcp6, tcp);
    }

    @Override
    public String name() {
        return "proc";
    }

    @Override
    public int read(KernelRowSink sink) throws IOException {
        return readFile(tcp6, true, sink) + readFile(tcp, false, sink);
    }

    /** Rows skipped because they did not parse (none expected: a count for the sampler's event). */
    public long malformedRows() {
        return malformedRows;
    }

    private int readFile(Path file, boolean ipv6, KernelRowSink sink) throws IOException {
        // a kernel without IPv6 (or without IPv4 rows) simply has no such file
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream in = new FileInputStream(file.toFile())) {
            return parse(in, ipv6, sink);
        }
    }

    /** Parses one table, header line first, from {@code in}; package-private for tests. */
    int parse(InputStream in, boolean ipv6, KernelRowSink sink) throws IOException {
        byte[] b = buffer;
        int filled = 0;
        int rows = 0;
        boolean header = true;
        while (true) {
            if (filled == b.length) {
                // one line longer than the buffer: never seen, but do not loop forever
                b = buffer = java.util.Arrays.copyOf(b, b.length * 2);
            }
            int n = in.read(b, filled, b.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
            int lineStart = 0;
            for (int i = indexOf(b, lineStart, filled); i >= 0; i = indexOf(b, lineStart, filled)) {
                if (header) {
                    header = false;
                } else if (parseRow(b, lineStart, i, ipv6, sink)) {
                    rows++;
                }
                lineStart = i + 1;
            }
            System.arraycopy(b, lineStart, b, 0, filled - lineStart);
            filled -= lineStart;
        }
        if (filled > 0 && !header && parseRow(b, 0, filled, ipv6, sink)) {
            rows++;
        }
        return rows;
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean parseRow(byte[] b, int start, int end, boolean ipv6, KernelRowSink sink) {
        at = start;
        if (!skipField(b, end)                                   // "sl:"
                || !address(b, end, ipv6)) {
            return malformed(b, start, end);
        }
        int localPort = (int) hex(b, end, ' ');
        row.local(hi, lo, localPort);
        if (localPort < 0 || !address(b, end, ipv6)) {
            return malformed(b, start, end);
        }
        int remotePort = (int) hex(b, end, ' ');
        row.remote(hi, lo, remotePort);
        int state = remotePort < 0 ? -1 : (int) hex(b, end, ' ');
        if (state < 0 || !skipField(b, end)) {                   // tx_queue:rx_queue
            return malformed(b, start, end);
        }
        long timer = hex(b, end, ':');
        long when = timer < 0 ? -1 : hex(b, end, ' ');
        if (when < 0 || !skipField(b, end) || !skipField(b, end) || !skipField(b, end)) { // retrnsmt uid timeout
            return malformed(b, start, end);
        }
        long inode = decimal(b, end);
        if (inode < 0) {
            return malformed(b, start, end);
        }
        sink.row(row.linuxState(state).inode(inode).timerMillisLeft(timer == 0 ? -1 : when * MILLIS_PER_TICK));
        return true;
    }

    private boolean malformed(byte[] b, int start, int end) {
        for (int i = start; i < end; i++) {
            if (b[i] != ' ' && b[i] != '\r') {
                malformedRows++;
                return false;
            }
        }
        return false; // a blank line
    }

    /** Moves past spaces, then past one field and the spaces after it. */
    private boolean skipField(byte[] b, int end) {
        int p = skipSpaces(b, at, end);
        int fieldStart = p;
        while (p < end && b[p] != ' ') {
            p++;
        }
        at = skipSpaces(b, p, end);
        return p > fieldStart;
    }

    private static int skipSpaces(byte[] b, int p, int end) {
        while (p < end && b[p] == ' ') {
            p++;
        }
        return p;
    }

    /** Reads an address (up to its ':') into {@link #hi} / {@link #lo}, network order, IPv4 v4-mapped. */
    private boolean address(byte[] b, int end, boolean ipv6) {
        int p = skipSpaces(b, at, end);
        int digits = ipv6 ? 32 : 8;
        if (p + digits >= end || b[p + digits] != ':' || invalid(b, p, digits)) {
            return false;
        }
        if (ipv6) {
            hi = ((long) word(b, p) << 32) | (word(b, p + 8) & 0xFFFF_FFFFL);
            lo = ((long) word(b, p + 16) << 32) | (word(b, p + 24) & 0xFFFF_FFFFL);
        } else {
            hi = 0;
            lo = V4_MAPPED_PREFIX | (word(b, p) & 0xFFFF_FFFFL);
        }
        at = p + digits + 1;
        return true;
    }

    private static boolean invalid(byte[] b, int p, int length) {
        for (int i = p; i < p + length; i++) {
            if (HEX[b[i] & 0xFF] < 0) {
                return true;
            }
        }
        return false;
    }

    /** One 32-bit word printed in host byte order, returned in network order. */
    private static int word(byte[] b, int p) {
        int v = 0;
        for (int i = p; i < p + 8; i++) {
            v = (v << 4) | (HEX[b[i] & 0xFF] & 0xF);
        }
        return LITTLE_ENDIAN ? Integer.reverseBytes(v) : v;
    }

    /** A hex number ending at {@code terminator} (or the end of the row); -1 when there is none. */
    private long hex(byte[] b, int end, char terminator) {
        int p = skipSpaces(b, at, end);
        int digitsStart = p;
        long v = 0;
        while (p < end && b[p] != terminator) {
            int d = HEX[b[p] & 0xFF];
            if (d < 0 || p - digitsStart >= 16) {
                return -1;
            }
            v = (v << 4) | d;
            p++;
        }
        if (p == digitsStart) {
            return -1;
        }
        at = p < end ? p + 1 : p;
        return v;
    }

    private long decimal(byte[] b, int end) {
        int p = skipSpaces(b, at, end);
        int digitsStart = p;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9' && p - digitsStart < 19) {
            v = v * 10 + (b[p] - '0');
            p++;
        }
        at = p;
        return p == digitsStart ? -1 : v;
    }
}
