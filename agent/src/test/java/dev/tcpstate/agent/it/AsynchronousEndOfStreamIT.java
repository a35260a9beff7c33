package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.agent.loopback.SsTable;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of stream of an {@code AsynchronousSocketChannel} read delivered to a completion handler,
 * with the kernel view on, against {@code ss}: the server closes, the client's handler gets -1 (the
 * client is then in CLOSE_WAIT, says ss), the client closes (ss no longer lists it; the server holds
 * the TIME_WAIT). The kernel interval is far longer than the run, so the only kernel sample after the
 * connection opened is the one taken at exit: what the API recorded cannot have been seen first by a
 * sample, and the connection's end comes from the kernel.
 */
class AsynchronousEndOfStreamIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void endOfStreamToACompletionHandlerRecordsThePassiveCloseSsShows() throws Exception {
        assumeTrue(SsTable.available(), "ss (iproute2) is not installed");
        Path jfr = dir.resolve("async-eof.jfr");
        int client;
        int server;
        try (Running child = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=30s")
                .main(AsynchronousPassiveClose.class).start()) {
            Matcher eof = child.next(Pattern.compile("eof client (\\d+) server (\\d+)"), WAIT);
            client = Integer.parseInt(eof.group(1));
            server = Integer.parseInt(eof.group(2));
            assertEquals(Optional.of("CLOSE-WAIT"), ssState(client, server), "the client, after its handler got -1");
            assertEquals(Optional.of("FIN-WAIT-2"), ssState(server, client), "the server, after its close");

            child.send("close");
            child.nextLine("closed", WAIT);
            assertEquals(Optional.empty(), awaitGone(client, server), "the client, after its close");
            assertEquals(Optional.of("TIME-WAIT"), ssState(server, client), "the server, after the client's FIN");
            child.send("exit");
            Exited exited = child.finish(WAIT);
            assertEquals(0, exited.exitCode(), exited.stderr());
        }

        Recorded recorded = Recorded.read(jfr);
        List<Change> clientSide = connection(recorded, "CLIENT", client);
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"),
                Recorded.toStates(clientSide), clientSide.toString());
        assertEquals(List.of("API", "API", "KERNEL"), Recorded.sourcesAfterConnect(clientSide), clientSide.toString());
        Change closeWait = Recorded.into(clientSide, "CLOSE_WAIT");
        assertEquals("READ_EOF", closeWait.stimulus());
        assertEquals("AsynchronousSocketChannel read EOF", closeWait.trigger());
        assertEquals("AsynchronousChannel.close", Recorded.into(clientSide, "LAST_ACK").trigger());
        assertEquals("RCV_ACK_OF_FIN", Recorded.into(clientSide, "CLOSED").stimulus());

        List<Change> serverSide = connection(recorded, "SERVER", server);
        Change last = serverSide.get(serverSide.size() - 1);
        assertEquals("TIME_WAIT", last.to(), serverSide.toString());
        assertEquals("KERNEL", last.source(), serverSide.toString());
        assertEquals(List.of(), recorded.anomalies());
    }

    /** The one connection of {@code role} whose local port is {@code localPort}. */
    private static List<Change> connection(Recorded recorded, String role, int localPort) {
        List<List<Change>> found = recorded.connections().values().stream()
                .filter(cs -> cs.stream().anyMatch(c -> c.role().equals(role) && c.localPort() == localPort))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), role + " on port " + localPort + ": " + found);
        return found.get(0);
    }

    /** The state ss shows for the connection from {@code localPort} to {@code peerPort}, if it lists it. */
    private static Optional<String> ssState(int localPort, int peerPort) throws Exception {
        return SsTable.read().stream().filter(r -> r.localPort() == localPort && r.peerPort() == peerPort)
                .map(SsTable.Row::state).findFirst();
    }

    /**
     * Waits for ss to stop listing the connection: LAST_ACK ends when the peer's ACK of our FIN comes,
     * on loopback at once, but not necessarily before close returns. Its last state, if it lingers.
     */
    private static Optional<String> awaitGone(int localPort, int peerPort) throws Exception {
        Optional<String> state = ssState(localPort, peerPort);
        for (int tries = 0; state.isPresent() && tries < 100; tries++) {
            Thread.sleep(100);
            state = ssState(localPort, peerPort);
        }
        return state;
    }
}
