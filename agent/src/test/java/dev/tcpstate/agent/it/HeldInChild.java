package dev.tcpstate.agent.it;

import dev.tcpstate.agent.loopback.SsTable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a {@link KernelStateHolder} child said it holds (each listener's port and the states ss should
 * show for its rows), and {@code ss} read for those ports only: the machine is shared, and every
 * socket of the child has one of these listeners at one end.
 */
record HeldInChild(Map<Integer, Set<String>> expectedByPort, int idlePoolPort, int idleClientPort,
        Instant idleServerClosedAt, long intervalAtCloseMillis) {

    private static final Pattern HELD = Pattern.compile("held (\\S+) port (\\d+) states (\\S+)");
    private static final Pattern IDLE =
            Pattern.compile("idle-pool port (\\d+) client (\\d+) closed-at (\\d+) interval-ms (-?\\d+)");

    static HeldInChild parse(List<String> stdout) {
        Map<Integer, Set<String>> expected = new LinkedHashMap<>();
        int idlePort = -1;
        int idleClient = -1;
        Instant closedAt = null;
        long intervalAtClose = -1;
        for (String line : stdout) {
            Matcher m = HELD.matcher(line);
            if (m.matches()) {
                expected.put(Integer.parseInt(m.group(2)), new TreeSet<>(List.of(m.group(3).split(","))));
            }
            m = IDLE.matcher(line);
            if (m.matches()) {
                idlePort = Integer.parseInt(m.group(1));
                idleClient = Integer.parseInt(m.group(2));
                closedAt = Instant.ofEpochMilli(Long.parseLong(m.group(3)));
                intervalAtClose = Long.parseLong(m.group(4));
                // the server closed its end: the client waits in CLOSE_WAIT, the server's orphan in FIN_WAIT_2
                expected.put(idlePort, new TreeSet<>(List.of("LISTEN", "CLOSE-WAIT", "FIN-WAIT-2")));
            }
        }
        if (expected.size() < 8 || idlePort < 0) {
            throw new AssertionError("the child did not say what it holds: " + stdout);
        }
        return new HeldInChild(expected, idlePort, idleClient, closedAt, intervalAtClose);
    }

    boolean isMine(SsTable.Row r) {
        return expectedByPort.containsKey(r.localPort()) || expectedByPort.containsKey(r.peerPort());
    }

    boolean isMine(Recorded.Change c) {
        return expectedByPort.containsKey(c.localPort()) || expectedByPort.containsKey(c.remotePort());
    }

    /** The child's rows in ss now. */
    List<SsTable.Row> ss() throws IOException, InterruptedException {
        List<SsTable.Row> all = SsTable.read();
        if (all == null) {
            throw new AssertionError("ss cannot be run");
        }
        // A row on one of our listener ports is ours when it is the listener, or when its peer is our
        // own client (its mirror row exists): the machine is shared, and another process's
        // connection may use one of our port numbers as its ephemeral local port.
        java.util.Set<String> pairs = all.stream().map(r -> r.localPort() + ">" + r.peerPort())
                .collect(Collectors.toSet());
        return all.stream().filter(this::isMine)
                .filter(r -> expectedByPort.containsKey(r.peerPort()) || r.state().equals("LISTEN")
                        || pairs.contains(r.peerPort() + ">" + r.localPort()))
                .collect(Collectors.toList());
    }

    /** The states ss shows per listener port. */
    Map<Integer, Set<String>> statesByPort(List<SsTable.Row> rows) {
        Map<Integer, Set<String>> by = new TreeMap<>();
        for (SsTable.Row r : rows) {
            int port = expectedByPort.containsKey(r.localPort()) ? r.localPort() : r.peerPort();
            by.computeIfAbsent(port, k -> new TreeSet<>()).add(r.state());
        }
        return by;
    }

    /** Waits (bounded) until ss shows, for every port, exactly the states the child meant to hold. */
    List<SsTable.Row> awaitSsShowsEveryState(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, Set<String>> want = new TreeMap<>(expectedByPort);
        List<SsTable.Row> rows;
        do {
            rows = ss();
            if (statesByPort(rows).equals(want)) {
                return rows;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("ss never showed " + want + "; last " + statesByPort(rows) + "\n" + rows);
    }

    /** One line per row: local and peer port, state, inode; sorted, for comparing two reads of ss. */
    static List<String> keys(List<SsTable.Row> rows) {
        List<String> keys = new ArrayList<>();
        for (SsTable.Row r : rows) {
            keys.add(r.localPort() + ">" + r.peerPort() + " " + r.state() + " ino:" + r.inode());
        }
        keys.sort(null);
        return keys;
    }
}
