package dev.tcpstate.agent.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.libraries.WithLibraries;
import dev.tcpstate.agent.loopback.SsTable;
import dev.tcpstate.agent.reliability.Timeline;
import dev.tcpstate.agent.reliability.Timeline.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real HTTP servers from Maven Central ({@link LoadServer}: Jetty 12, Netty 4.2 on NIO and on epoll,
 * Tomcat 11) under the agent, with its recording and kernel view on, loaded by Debian's {@code wrk}
 * on loopback, with keep-alive and with {@code Connection: close}. For each: every request wrk sent
 * succeeded; the agent dropped nothing and recorded no anomaly; every connection's recorded sequence of
 * states is a path of the transition table; the server's accepted connections are all recorded (at
 * least wrk's connections, at least one per request with close), none only by the kernel; the final
 * states agree with {@code ss}; the heap after GC stays bounded.
 *
 * <p>{@value #SECONDS_PROPERTY} sets each run's length (default {@value #DEFAULT_SECONDS} s), e.g. an hour:
 * {@code mvn -B -o -pl agent verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=RealServersUnderLoadIT -Dtcpstate.load.seconds=3600}.
 */
class RealServersUnderLoadIT {

    static final String SECONDS_PROPERTY = "tcpstate.load.seconds";
    static final long DEFAULT_SECONDS = 5;
    static final long SECONDS = Long.getLong(SECONDS_PROPERTY, DEFAULT_SECONDS);
    static final int WRK_THREADS = 2;
    static final int CONNECTIONS = 32;
    static final String HEAP = "-Xmx256m";
    /** How much the used heap after GC may grow from before the load to after it. */
    static final long HEAP_GROWTH_BOUND = 64L << 20;
    static final Set<String> ENDED = Set.of("CLOSED", "TIME_WAIT");

    static String jars;

    @TempDir
    Path dir;

    @BeforeAll
    static void needWrkAndSs() throws Exception {
        String missing = Wrk.unavailable();
        if (missing == null && !SsTable.available()) {
            missing = "ss is not installed (apt-get install iproute2)";
        }
        if (missing != null) {
            System.out.println("SKIPPED RealServersUnderLoadIT: " + missing);
            Assumptions.abort(missing);
        }
        jars = String.join(File.pathSeparator, WithLibraries.jarsUnder("/org/eclipse/jetty/"),
                WithLibraries.jarsUnder("/org/slf4j/"), WithLibraries.jarsUnder("/io/netty/"),
                WithLibraries.jarsUnder("/org/apache/tomcat/"));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "jetty, keep-alive", "jetty, close",
        "netty-nio, keep-alive", "netty-nio, close",
        "netty-epoll, keep-alive", "netty-epoll, close",
        "tomcat, keep-alive", "tomcat, close",
    })
    void everyRequestSucceedsAndEveryRecordedConnectionIsAValidPath(String server, String mode) throws Exception {
        boolean close = mode.equals("close");
        Path jfr = dir.resolve(server + "-" + mode + ".jfr");
        Wrk.Result wrk;
        long heapStart;
        long heapEnd;
        int port;
        List<SsTable.Row> ssStopped;
        Exited exited;
        long begin = System.nanoTime();
        try (Running child = ChildJvm.java().jvmArgs(HEAP, "-D" + WithLibraries.PROPERTY + "=" + jars)
                .agent("record=" + jfr + ",kernelInterval=500ms")
                .main(WithLibraries.class, LoadServer.class.getName(), server).start()) {
            port = Integer.parseInt(child.nextLine("port ", Duration.ofSeconds(60)).substring(5));
            heapStart = Long.parseLong(child.nextLine("heap-start ", Duration.ofSeconds(30)).substring(11));
            wrk = Wrk.run("http://127.0.0.1:" + port + "/", WRK_THREADS, CONNECTIONS, SECONDS, close);
            child.send("heap");
            heapEnd = Long.parseLong(child.nextLine("heap-end ", Duration.ofSeconds(30)).substring(9));
            child.send("stop");
            child.nextLine("stopped", Duration.ofSeconds(30));
            ssStopped = SsTable.read();
            child.send("exit");
            exited = child.finish(Duration.ofSeconds(60));
        }
        List<SsTable.Row> ssExited = SsTable.read();
        long childMillis = (System.nanoTime() - begin) / 1_000_000;
        assertEquals(0, exited.exitCode(), exited.stdout() + exited.stderr());

        Timeline t = Timeline.read(jfr);
        List<List<Change>> accepted = t.withPort("SERVER", port);
        List<String> problems = Timeline.problems(t.connections.values());
        RecordedSummary summary = RecordedSummary.of(t);
        System.out.printf("load %s %s JDK %d: wrk %d requests in %d s (%d errors; p50 %s, p99 %s), %d server"
                + " connections recorded, %d paths checked (%d invalid), dropped %d, evicted %d, anomalies %d;"
                + " heap after GC %.1f MB -> %.1f MB (%s); child ran %d ms%n",
                server, mode, ChildJvm.featureVersion(), wrk.requests(), SECONDS, wrk.errors(), wrk.p50(), wrk.p99(),
                accepted.size(), t.connections.size(), problems.size(), summary.dropped, summary.evicted,
                t.anomalies.size(), heapStart / 1048576.0, heapEnd / 1048576.0, HEAP, childMillis);

        assertTrue(wrk.requests() > 0, wrk.output());
        assertEquals(0, wrk.errors(), "wrk's errors (connect, read, write, timeout, non-2xx):\n" + wrk.output());
        assertEquals(0, summary.dropped, "observations the agent dropped");
        assertEquals(0, summary.evicted, "connections evicted from a full registry");
        assertEquals(List.of(), t.anomalies, "tcpstate.Anomaly events");
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())),
                problems.size() + " recorded connections that are not a path of the transition table");

        assertTrue(accepted.size() >= (close ? wrk.requests() : CONNECTIONS),
                accepted.size() + " server connections recorded for " + wrk.requests() + " requests on "
                        + CONNECTIONS + " connections");
        List<String> kernelOnly = accepted.stream().filter(c -> c.get(0).kind().equals("Kernel"))
                .map(Timeline::describe).limit(20).collect(Collectors.toList());
        assertEquals(List.of(), kernelOnly, "server connections only the kernel showed (the API missed the accept)");

        assertFinalStatesAgreeWithSs(accepted, port, ssStopped, ssExited);
        assertTrue(heapEnd - heapStart < HEAP_GROWTH_BOUND, "used heap after GC grew from " + heapStart + " to "
                + heapEnd + " bytes over the load");
    }

    /**
     * The server's connections recorded in TIME_WAIT at the end are the rows ss lists in TIME-WAIT on the
     * server's port after the child exited (TIME_WAIT outlives the process by 60 s), and the other way round;
     * a connection recorded in any other state but CLOSED was still listed by ss once the server had stopped.
     */
    static void assertFinalStatesAgreeWithSs(List<List<Change>> accepted, int port, List<SsTable.Row> ssStopped,
            List<SsTable.Row> ssExited) {
        Set<Integer> ssTimeWait = peerPorts(ssExited, port, "TIME-WAIT");
        Set<Integer> recordedTimeWait = new HashSet<>();
        List<String> openNotListed = new ArrayList<>();
        Set<Integer> listedStopped = peerPorts(ssStopped, port, null);
        for (List<Change> c : accepted) {
            String last = Timeline.last(c);
            int peer = c.get(0).remotePort();
            if (last.equals("TIME_WAIT")) {
                recordedTimeWait.add(peer);
            } else if (!ENDED.contains(last) && !listedStopped.contains(peer)) {
                openNotListed.add(Timeline.describe(c));
            }
        }
        assertEquals(List.of(), openNotListed, "connections recorded open at the end that ss did not list");
        Set<Integer> missing = new HashSet<>(recordedTimeWait);
        missing.removeAll(ssTimeWait);
        Set<Integer> unrecorded = new HashSet<>(ssTimeWait);
        unrecorded.removeAll(recordedTimeWait);
        assertEquals(Set.of(), limit(missing), () -> missing.size() + " of " + recordedTimeWait.size()
                + " connections recorded in TIME_WAIT that ss does not list in TIME-WAIT (peer ports); the first:\n"
                + explain(missing, accepted, ssStopped, ssExited));
        assertEquals(Set.of(), limit(unrecorded), () -> unrecorded.size() + " of ss's " + ssTimeWait.size()
                + " TIME-WAIT rows on the server's port not recorded in TIME_WAIT (peer ports); the first:\n"
                + explain(unrecorded, accepted, ssStopped, ssExited));
    }

    /** For the first few peer ports: every recorded server connection from that port, and ss's rows of it. */
    static String explain(Set<Integer> peers, List<List<Change>> accepted, List<SsTable.Row> ssStopped,
            List<SsTable.Row> ssExited) {
        StringBuilder sb = new StringBuilder();
        for (int peer : peers.stream().sorted().limit(5).collect(Collectors.toList())) {
            sb.append("peer port ").append(peer).append(":\n");
            accepted.stream().filter(c -> c.get(0).remotePort() == peer)
                    .forEach(c -> sb.append("  #").append(c.get(0).connectionId()).append(' ')
                            .append(Timeline.describe(c)).append('\n'));
            ssStopped.stream().filter(r -> r.peerPort() == peer || r.localPort() == peer)
                    .forEach(r -> sb.append("  ss, server stopped: ").append(r).append('\n'));
            ssExited.stream().filter(r -> r.peerPort() == peer || r.localPort() == peer)
                    .forEach(r -> sb.append("  ss, child exited: ").append(r).append('\n'));
        }
        return sb.toString();
    }

    /** The peer ports of ss's rows whose local port is {@code port} (the server's side), in {@code state} (any when null). */
    static Set<Integer> peerPorts(List<SsTable.Row> rows, int port, String state) {
        assertNotNull(rows, "ss -tanoe");
        return rows.stream().filter(r -> r.localPort() == port && r.peerPort() != 0)
                .filter(r -> state == null || r.state().equals(state)).map(SsTable.Row::peerPort)
                .collect(Collectors.toSet());
    }

    static Set<Integer> limit(Set<Integer> ports) {
        return ports.stream().limit(20).collect(Collectors.toSet());
    }

    /** The agent's counts of what it lost, from the last {@code tcpstate.StateSummary}. */
    record RecordedSummary(long dropped, long evicted) {
        static RecordedSummary of(Timeline t) {
            assertNotNull(t.lastSummary, "a tcpstate.StateSummary in the recording");
            return new RecordedSummary(t.lastSummary.getLong("dropped"), t.lastSummary.getLong("evicted"));
        }
    }
}
