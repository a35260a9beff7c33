package dev.tcpstate.agent.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.fault.Faults;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static final String FAULT_PROBABILITY = "0.05";

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
        LoadRun run = load(server, mode, List.of());
        assertEquals(0, run.exited.exitCode(), run.exited.stdout() + run.exited.stderr());

        Timeline t = Timeline.read(run.jfr);
        List<List<Change>> accepted = t.withPort("SERVER", run.port);
        List<String> problems = Timeline.problems(t.connections.values());
        RecordedSummary summary = RecordedSummary.of(t);
        Map<String, Long> endedIn = accepted.stream()
                .collect(Collectors.groupingBy(Timeline::last, TreeMap::new, Collectors.counting()));
        // the known limit of a close whose peer's FIN came first: recorded as an active close, ended as a passive one
        long activeWithoutTimeWait = accepted.stream().filter(c -> Timeline.last(c).equals("CLOSED")
                && c.stream().anyMatch(e -> e.to().equals("FIN_WAIT_1"))
                && c.stream().noneMatch(e -> e.to().equals("TIME_WAIT"))).count();
        System.out.printf("load %s %s JDK %d: wrk %d requests in %d s (%d errors; p50 %s, p99 %s), %d server"
                + " connections recorded (last states %s; %d of them closed from FIN_WAIT_1 without TIME_WAIT),"
                + " %d paths checked (%d invalid), dropped %d, evicted %d,"
                + " anomalies %d; heap after GC %.1f MB -> %.1f MB (%s); child ran %d ms%n",
                server, mode, ChildJvm.featureVersion(), run.wrk.requests(), SECONDS, run.wrk.errors(), run.wrk.p50(),
                run.wrk.p99(), accepted.size(), endedIn, activeWithoutTimeWait, t.connections.size(), problems.size(),
                summary.dropped,
                summary.evicted, t.anomalies.size(), run.heapStart / 1048576.0, run.heapEnd / 1048576.0, HEAP,
                run.millis);

        assertAllRequestsSucceeded(run.wrk);
        assertEquals(0, summary.dropped, "observations the agent dropped");
        assertEquals(0, summary.evicted, "connections evicted from a full registry");
        assertEquals(List.of(), t.anomalies, "tcpstate.Anomaly events");
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())),
                problems.size() + " recorded connections that are not a path of the transition table");

        assertTrue(accepted.size() >= (run.close ? run.wrk.requests() : CONNECTIONS),
                accepted.size() + " server connections recorded for " + run.wrk.requests() + " requests on "
                        + CONNECTIONS + " connections");
        List<String> kernelOnly = accepted.stream().filter(c -> c.get(0).kind().equals("Kernel"))
                .map(Timeline::describe).limit(20).collect(Collectors.toList());
        assertEquals(List.of(), kernelOnly, "server connections only the kernel showed (the API missed the accept)");

        assertFinalStatesAgreeWithSs(accepted, run.port, run.ssStopped, run.ssExited);
        assertTrue(run.heapEnd - run.heapStart < HEAP_GROWTH_BOUND, "used heap after GC grew from " + run.heapStart
                + " to " + run.heapEnd + " bytes over the load");
    }

    /**
     * With faults injected into the agent ({@value Faults#PROPERTY}: the bridge, the registry, the
     * sampler's sink and the event commit throw at random), the server still answers every request;
     * the agent drops observations, and says how many.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({ "jetty, close", "netty-epoll, keep-alive", "tomcat, close" })
    void withFaultsInjectedIntoTheAgentEveryRequestStillSucceeds(String server, String mode) throws Exception {
        LoadRun run = load(server, mode, List.of("-D" + Faults.PROPERTY + "=" + FAULT_PROBABILITY));
        assertEquals(0, run.exited.exitCode(), run.exited.stdout() + run.exited.stderr());
        Matcher dropped = Pattern.compile("tcpstate: (\\d+) observations dropped").matcher(run.exited.stderr());
        System.out.printf("load %s %s JDK %d, faults injected (%s): wrk %d requests in %d s (%d errors; p50 %s,"
                + " p99 %s), agent: %s; child ran %d ms%n", server, mode, ChildJvm.featureVersion(),
                FAULT_PROBABILITY, run.wrk.requests(), SECONDS, run.wrk.errors(), run.wrk.p50(), run.wrk.p99(),
                dropped.find() ? dropped.group(1) + " observations dropped" : "no drop reported", run.millis);
        assertAllRequestsSucceeded(run.wrk);
        assertTrue(dropped.find(0) && Long.parseLong(dropped.group(1)) > 0,
                "the agent says at exit that it dropped observations: " + run.exited.stderr());
    }

    /** One server under wrk, from its start to its exit: what wrk, the heap and ss said around it. */
    record LoadRun(boolean close, int port, Wrk.Result wrk, long heapStart, long heapEnd, List<SsTable.Row> ssStopped,
            List<SsTable.Row> ssExited, Exited exited, Path jfr, long millis) {
    }

    /**
     * Starts {@code server} under the agent, loads it with wrk for {@link #SECONDS}, reads the heap after GC,
     * stops the server, reads ss, lets the child exit (which ends the recording) and reads ss again.
     */
    private LoadRun load(String server, String mode, List<String> jvmArgs) throws Exception {
        boolean close = mode.equals("close");
        Path jfr = dir.resolve(server + "-" + mode + ".jfr");
        long begin = System.nanoTime();
        try (NetworkNamespace netns = NetworkNamespace.ownOrShared();
                Running child = ChildJvm.java().inNetworkNamespaceOf(netns.pid())
                        .jvmArgs(HEAP, "-D" + WithLibraries.PROPERTY + "=" + jars)
                        .jvmArgs(jvmArgs).agent("record=" + jfr + ",kernelInterval=500ms")
                        .main(WithLibraries.class, LoadServer.class.getName(), server).start()) {
            int port = Integer.parseInt(child.nextLine("port ", Duration.ofSeconds(60)).substring(5));
            long heapStart = Long.parseLong(child.nextLine("heap-start ", Duration.ofSeconds(30)).substring(11));
            Wrk.Result wrk = Wrk.run(netns.prefix(), "http://127.0.0.1:" + port + "/", WRK_THREADS, CONNECTIONS,
                    SECONDS, close);
            child.send("heap");
            long heapEnd = Long.parseLong(child.nextLine("heap-end ", Duration.ofSeconds(30)).substring(9));
            child.send("stop");
            child.nextLine("stopped", Duration.ofSeconds(30));
            List<SsTable.Row> ssStopped = SsTable.read(netns.prefix());
            child.send("exit");
            Exited exited = child.finish(Duration.ofSeconds(60));
            List<SsTable.Row> ssExited = SsTable.read(netns.prefix());
            return new LoadRun(close, port, wrk, heapStart, heapEnd, ssStopped, ssExited, exited, jfr,
                    (System.nanoTime() - begin) / 1_000_000);
        }
    }

    static void assertAllRequestsSucceeded(Wrk.Result wrk) {
        assertTrue(wrk.requests() > 0, wrk.output());
        assertEquals(0, wrk.errors(), "wrk's errors (connect, read, write, timeout, non-2xx):\n" + wrk.output());
    }

    /**
     * The final states against ss's: a 4-tuple is one row in the kernel, so at most one recorded connection
     * per peer port is left in any state but CLOSED; the server's connections recorded in TIME_WAIT at the
     * end are in ss's TIME-WAIT rows on the server's port read just before the child exited (the recording's
     * last sample is taken at the exit, and nothing closes in between), and every such row still listed after
     * the exit (TIME_WAIT outlives the process) is a connection recorded in TIME_WAIT; a connection recorded
     * in any other state but CLOSED was listed by ss once the server had stopped.
     */
    static void assertFinalStatesAgreeWithSs(List<List<Change>> accepted, int port, List<SsTable.Row> ssStopped,
            List<SsTable.Row> ssExited) {
        Set<Integer> recordedTimeWait = new HashSet<>();
        Set<Integer> notClosed = new HashSet<>();
        List<String> twice = new ArrayList<>();
        List<String> openNotListed = new ArrayList<>();
        Set<Integer> listedStopped = peerPorts(ssStopped, port, null);
        // A TIME_WAIT the kernel showed is a connection's last event (it ends by itself: docs/events.md); a
        // newer connection from the same peer port ended it, as the kernel holds one row per 4-tuple.
        Map<Integer, Long> lastOpenedFrom = new HashMap<>();
        for (List<Change> c : accepted) {
            lastOpenedFrom.merge(c.get(0).remotePort(), c.get(0).startNanos(), Math::max);
        }
        for (List<Change> c : accepted) {
            String last = Timeline.last(c);
            int peer = c.get(0).remotePort();
            if (last.equals("TIME_WAIT") && lastOpenedFrom.get(peer) > c.get(c.size() - 1).startNanos()) {
                last = "CLOSED"; // superseded by the newer connection of its 4-tuple
            }
            if (!last.equals("CLOSED") && !notClosed.add(peer)) {
                twice.add(Timeline.describe(c));
            }
            if (last.equals("TIME_WAIT")) {
                recordedTimeWait.add(peer);
            } else if (!ENDED.contains(last) && !listedStopped.contains(peer)) {
                openNotListed.add(Timeline.describe(c));
            }
        }
        assertEquals(List.of(), twice.subList(0, Math.min(20, twice.size())), twice.size()
                + " connections not CLOSED at the end from a peer port another such connection has");
        assertEquals(List.of(), openNotListed, "connections recorded open at the end that ss did not list");
        Set<Integer> missing = new HashSet<>(recordedTimeWait);
        missing.removeAll(peerPorts(ssStopped, port, "TIME-WAIT"));
        Set<Integer> ssTimeWait = peerPorts(ssExited, port, "TIME-WAIT");
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
