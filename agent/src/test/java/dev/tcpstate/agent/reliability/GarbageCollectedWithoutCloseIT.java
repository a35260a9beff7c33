package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.it.ChildJvm;
import dev.tcpstate.agent.reliability.Timeline.Change;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sockets that become unreachable without {@code close()} leave the registry and are reported, one
 * event each, as {@code garbage collected without close}; the connections still referenced are not.
 */
class GarbageCollectedWithoutCloseIT {

    static final int N = 10;

    @TempDir
    Path dir;

    @org.junit.jupiter.api.Test
    void everyCollectedSocketIsReportedOnceWithoutTheKernelView() throws Exception {
        check("kernelInterval=off");
    }

    /**
     * The JDK's cleaner closes a collected {@code Socket}'s descriptor (FIN sent) as soon as it is
     * collected; when a kernel sample sees the resulting FIN_WAIT_2 before the agent's housekeeping
     * polls its reference queue, GARBAGE_COLLECTED arrives in FIN_WAIT_2, an ignored row, and the leak
     * is never reported. Seen on JDK 25: 10 of 20 (all classic Sockets) reported.
     */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled("bug: with the kernel view on, a Socket collected without close is not reported"
            + " when a kernel sample sees its cleaner's FIN first (ConnectionRegistry.expire applies GARBAGE_COLLECTED"
            + " to FIN_WAIT_2: ignored); intermittent")
    void everyCollectedSocketIsReportedOnceWithTheKernelView() throws Exception {
        check("kernelInterval=1s");
    }

    private void check(String options) throws Exception {
        Path jfr = dir.resolve("gc.jfr");
        ChildJvm run = Launch.run(null, Duration.ofSeconds(60), List.of(Launch.agent("record=" + jfr + "," + options)),
                UnclosedSockets.class, String.valueOf(N));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("opened " + 2 * N + " without close, accepted " + 2 * N), run.stdout());
        int port = ConcurrentConnectionsIT.number(run.stdout(), "server-port (\\d+)");

        Timeline t = Timeline.read(jfr);
        List<Change> collected = t.connections.values().stream().flatMap(List::stream)
                .filter(c -> c.stimulus().equals("GARBAGE_COLLECTED")).collect(Collectors.toList());
        System.out.printf("gc without close [%s] JDK %d: %d sockets dropped unclosed, %d GARBAGE_COLLECTED events%n",
                options, ChildJvm.featureVersion(), 2 * N, collected.size());
        assertEquals(2 * N, collected.size(), "GARBAGE_COLLECTED events: " + collected);
        for (Change c : collected) {
            assertEquals("garbage collected without close", c.trigger());
            assertEquals("CLIENT", c.role());
            assertEquals(port, c.remotePort());
            assertEquals("ESTABLISHED", c.from());
            assertEquals("FIN_WAIT_1", c.to());
        }
        assertEquals(N, collected.stream().filter(c -> c.kind().equals("Socket")).count());
        assertEquals(N, collected.stream().filter(c -> c.kind().equals("SocketChannel")).count());
        assertEquals(2 * N, collected.stream().map(Change::connectionId).distinct().count(), "one per connection");
        assertEquals(List.of(), Timeline.problems(t.connections.values()));
        assertEquals(List.of(), t.anomalies);
    }
}
