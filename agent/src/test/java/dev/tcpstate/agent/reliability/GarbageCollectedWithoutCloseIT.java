package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.reliability.Timeline.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
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
     * collected; the kernel sample that then shows FIN_WAIT_2 must not hide the leak. (It once did:
     * 10 of 20 reported on JDK 25; the reconciler now collects unreachable sockets before each sample.)
     */
    @org.junit.jupiter.api.Test
    void everyCollectedSocketIsReportedOnceWithTheKernelView() throws Exception {
        check("kernelInterval=1s");
    }

    private void check(String options) throws Exception {
        Path jfr = dir.resolve("gc.jfr");
        Exited run = ChildJvm.java().agent("record=" + jfr + "," + options).main(UnclosedSockets.class, String.valueOf(N))
                .run(Duration.ofSeconds(60));
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
