package dev.tcpstate.demo.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The kernel's TCP table of this network namespace, read from {@code /proc/net/tcp} and {@code tcp6}.
 * The demo uses it to say what the kernel holds for its own ports; {@code ss -tan} shows the same rows.
 */
public final class TcpTable {

    /** Kernel state codes 0x01..0x0B, named as in RFC 9293. */
    private static final String[] STATES = {
        "?", "ESTABLISHED", "SYN_SENT", "SYN_RECEIVED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT",
        "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"
    };

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One row of the table: ports and the RFC 9293 name of the state. */
    public record Row(int localPort, int remotePort, String state) {
    }

    private final List<Row> rows;

    private TcpTable(List<Row> rows) {
        this.rows = rows;
    }

    /** Whether this OS exposes the table (Linux). */
    public static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /** The table as it is now; empty where the OS has none. */
    public static TcpTable snapshot() {
        List<Row> rows = new ArrayList<>();
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    Row row = parse(line);
                    if (row != null) {
                        rows.add(row);
                    }
                }
            } catch (IOException e) {
                // no such table (non-Linux, or IPv6 disabled): nothing to add
            }
        }
        return new TcpTable(rows);
    }

    /** Parses "sl local_address rem_address st ...", e.g. "0: 0100007F:1F90 0100007F:D2A4 01 ..."; null for the header. */
    static Row parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[0].endsWith(":")) {
            return null;
        }
        int state = Integer.parseInt(f[3], 16);
        return new Row(port(f[1]), port(f[2]), state < STATES.length ? STATES[state] : "?");
    }

    private static int port(String addressAndPort) {
        return Integer.parseInt(addressAndPort.substring(addressAndPort.indexOf(':') + 1), 16);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Rows in {@code state} whose remote port is {@code remotePort}: the client side of connections to that server. */
    public long towards(int remotePort, String state) {
        return count(r -> r.remotePort() == remotePort && r.state().equals(state));
    }

    /** Rows in {@code state} whose local port is one of {@code localPorts}. */
    public long from(Set<Integer> localPorts, String state) {
        return count(r -> localPorts.contains(r.localPort()) && r.state().equals(state));
    }

    /** Rows in {@code state} on either end of connections to or from {@code port}. */
    public long involving(int port, String state) {
        return count(r -> (r.localPort() == port || r.remotePort() == port) && r.state().equals(state));
    }

    private long count(Predicate<Row> filter) {
        return rows.stream().filter(filter).count();
    }
}
