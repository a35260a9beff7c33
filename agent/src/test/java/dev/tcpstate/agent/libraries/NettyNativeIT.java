package dev.tcpstate.agent.libraries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcpstate.agent.instrument.Hook;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.it.Recorded;
import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.agent.loopback.SsTable;
import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Netty's native transports under the real agent: a real Netty client and server ({@link NettyConnections},
 * Netty 4.2 in a class loader of its own) on loopback, once per transport. First every scenario runs to
 * its end with the kernel view off, and each connection's exact sequence of states is checked, with
 * its socket kind; then the child holds states with the kernel view on, and each row {@code ss} shows
 * for its ports must be one recorded Netty connection (never a second one the kernel discovered) in
 * the state ss shows. io_uring runs where the kernel lets Netty use it, and is skipped, saying why,
 * where not.
 */
class NettyNativeIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration SYNC_WAIT = Duration.ofSeconds(150);
    static final Pattern SCENARIO = Pattern.compile("scenario (\\S+) port (\\d+)");
    static final Pattern HELD = Pattern.compile("held (\\S+) port (\\d+) states (\\S+)");

    static String jars;
    static final Map<String, String> UNAVAILABLE = new HashMap<>();
    static final Map<String, Scenarios> SCENARIOS = new HashMap<>();
    static final Map<String, Held> HELD_RUNS = new HashMap<>();

    /** The scenario run of one transport: the child with and without the agent, its ports, its recording. */
    record Scenarios(Exited withAgent, Exited withoutAgent, Map<String, Integer> ports, Recorded recorded,
            Path jfr) {
    }

    /** The holding run: the listeners' ports and the states meant for their rows, ss after the sync, the recording. */
    record Held(Map<Integer, Set<String>> expected, List<SsTable.Row> ss, Recorded recorded) {
    }

    /** A child JVM running {@code program} with the libraries in a class loader of their own (WithLibraries). */
    static ChildJvm child(List<String> jvmArgs, String... program) {
        return ChildJvm.java().jvmArgs(jvmArgs).main(WithLibraries.class, program);
    }

    @BeforeAll
    static void findNetty() throws Exception {
        jars = WithLibraries.nettyJars();
        for (String transport : List.of("epoll", "io_uring")) {
            Exited probe = child(List.of("-D" + WithLibraries.PROPERTY + "=" + jars),
                    NettyConnections.class.getName(), transport, "available").run();
            assertEquals(0, probe.exitCode(), probe.stderr());
            if (!probe.stdout().startsWith(transport + " available true")) {
                UNAVAILABLE.put(transport, probe.stdout().trim());
                System.out.println("Netty " + transport + " cannot run here: " + probe.stdout().trim());
            }
        }
    }

    @TempDir
    static Path dir;

    static String kind(String transport) {
        return transport.equals("epoll") ? "NettyEpoll" : "NettyIoUring";
    }

    static void assumeAvailable(String transport) {
        String why = UNAVAILABLE.get(transport);
        if (why != null) {
            System.out.println("skipped: " + why);
        }
        assumeTrue(why == null, "Netty " + transport + " is not available here: " + why);
    }

    static synchronized Scenarios scenarios(String transport) throws Exception {
        assumeAvailable(transport);
        Scenarios run = SCENARIOS.get(transport);
        if (run == null) {
            Path jfr = dir.resolve("netty-" + transport + ".jfr");
            String libraries = "-D" + WithLibraries.PROPERTY + "=" + jars;
            Exited with = child(List.of(libraries, "-javaagent:" + Artifacts.agentJar() + "=record=" + jfr
                    + ",kernelInterval=off,verbose=true"), NettyConnections.class.getName(), transport, "scenarios").run();
            assertEquals(0, with.exitCode(), with.stderr());
            Exited without = child(List.of(libraries), NettyConnections.class.getName(), transport, "scenarios").run();
            assertEquals(0, without.exitCode(), without.stderr());
            Map<String, Integer> ports = new HashMap<>();
            Matcher m = SCENARIO.matcher(with.stdout());
            while (m.find()) {
                ports.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            assertTrue(Files.size(jfr) > 0, "recording written at exit");
            run = new Scenarios(with, without, ports, Recorded.read(jfr), jfr);
            SCENARIOS.put(transport, run);
        }
        return run;
    }

    static synchronized Held held(String transport) throws Exception {
        assumeAvailable(transport);
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp6")), "this OS has no /proc/self/net/tcp6");
        assumeTrue(SsTable.available(), "ss (iproute2) is not installed: the kernel-view test needs it as its oracle");
        Held run = HELD_RUNS.get(transport);
        if (run != null) {
            return run;
        }
        Path jfr = dir.resolve("netty-held-" + transport + ".jfr");
        List<String> jvmArgs = List.of("-D" + WithLibraries.PROPERTY + "=" + jars,
                "-javaagent:" + Artifacts.agentJar() + "=record=" + jfr + ",kernelInterval=200ms");
        try (Running child = child(jvmArgs, NettyConnections.class.getName(), transport, "hold").start()) {
            child.awaitLine("READY", WAIT);
            Map<Integer, Set<String>> expected = new TreeMap<>();
            for (String line : child.stdout()) {
                Matcher m = HELD.matcher(line);
                if (m.matches()) {
                    expected.put(Integer.parseInt(m.group(2)), new TreeSet<>(List.of(m.group(3).split(","))));
                }
            }
            awaitSsShows(expected);
            child.send("sync");
            String synced = child.awaitLine("synced", SYNC_WAIT);
            assertTrue(synced.startsWith("synced samples 3"), synced);
            List<SsTable.Row> ss = ssOf(expected.keySet());
            child.send("exit");
            Exited exited = child.finish(WAIT);
            assertEquals(0, exited.exitCode(), exited.stderr());
            run = new Held(expected, ss, Recorded.read(jfr));
        }
        HELD_RUNS.put(transport, run);
        return run;
    }

    // ---------------------------------------------------------------- the weaving

    /** A Netty upgrade that renames a hooked method fails here, instead of recording nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void everyNettyHookOfTheTransportIsWoven(String transport) throws Exception {
        String stderr = scenarios(transport).withAgent().stderr();
        assertFalse(stderr.contains("not woven"), stderr);
        assertFalse(stderr.contains("could not weave"), stderr);
        String own = transport.equals("epoll") ? "io.netty.channel.epoll." : "io.netty.channel.uring.";
        int checked = 0;
        for (Hook h : Installer.libraryHooks()) {
            if (!h.typeName().startsWith("io.netty.channel.unix.") && !h.typeName().startsWith(own)) {
                continue;
            }
            boolean woven = h.descriptors().stream().anyMatch(d -> stderr.contains("tcpstate: woven " + h.key(d) + "\n"));
            assertTrue(woven, "not woven with Netty " + transport + ": " + h);
            checked++;
        }
        assertTrue(checked >= 17, "hooks checked: " + checked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void theApplicationSeesNoDifference(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        assertEquals(withoutPorts(run.withoutAgent().stdout()), withoutPorts(run.withAgent().stdout()));
        assertTrue(run.withAgent().stdout().contains("all scenarios done"));
        assertEquals(List.of(), run.recorded().anomalies());
    }

    // ---------------------------------------------------------------- each connection's states

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void clientThatClosesFirstGoesThroughFinWait1ToTimeWaitAndTheServerThroughCloseWait(String transport)
            throws Exception {
        Scenarios run = scenarios(transport);
        List<Change> client = only(run, "client-closes", "CLIENT");
        List<Change> server = only(run, "client-closes", "SERVER");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), Recorded.toStates(client),
                client.toString());
        assertEquals(List.of("API", "EXPECTED"), Recorded.sourcesAfterConnect(client), client.toString());
        assertEquals(List.of("ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"), Recorded.toStates(server), server.toString());
        assertEquals("SYN_RECEIVED", server.get(0).from());
        assertEquals("READ_EOF", server.get(1).stimulus());
        assertEquals(List.of("LISTEN", "CLOSED"), Recorded.toStates(only(run, "client-closes", "LISTENER")));
        for (List<Change> c : List.of(client, server, only(run, "client-closes", "LISTENER"))) {
            for (Change change : c) {
                assertEquals(kind(transport), change.kind(), change.toString());
            }
        }
        // the two ends name the same 4-tuple, from their own sides
        Change established = Recorded.into(client, "ESTABLISHED");
        Change accepted = server.get(0);
        assertEquals("127.0.0.1", established.localAddress());
        assertEquals("127.0.0.1", accepted.remoteAddress());
        assertEquals(established.localPort(), accepted.remotePort());
        assertEquals(established.remotePort(), accepted.localPort());
        assertEquals(run.ports().get("client-closes").intValue(), accepted.localPort());
    }

    /** Netty's idle-pool leak: nothing closes the client whose server closed; it stays in CLOSE_WAIT. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void idleClientWhoseServerClosedStaysInCloseWait(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        List<Change> client = only(run, "server-closes", "CLIENT");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSE_WAIT"), Recorded.toStates(client), client.toString());
        List<Change> server = only(run, "server-closes", "SERVER");
        assertEquals(List.of("ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), Recorded.toStates(server), server.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void halfCloseThenTheServersEndOfStreamReachesTimeWaitFromTheApi(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        List<Change> client = only(run, "half-close", "CLIENT");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), Recorded.toStates(client),
                client.toString());
        assertEquals(List.of("API", "API"), Recorded.sourcesAfterConnect(client), client.toString());
        assertEquals("SHUTDOWN_OUTPUT", Recorded.into(client, "FIN_WAIT_1").stimulus());
        assertEquals(List.of("ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"),
                Recorded.toStates(only(run, "half-close", "SERVER")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void soLingerZeroAbortsAndThePeerReadsAReset(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        List<Change> client = only(run, "linger-zero", "CLIENT");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSED"), Recorded.toStates(client), client.toString());
        assertEquals("ABORT", Recorded.into(client, "CLOSED").stimulus());
        assertEquals("LINGER_ZERO", Recorded.into(client, "CLOSED").abortCause());
        List<Change> server = only(run, "linger-zero", "SERVER");
        assertEquals(List.of("ESTABLISHED", "CLOSED"), Recorded.toStates(server), server.toString());
        assertEquals("RESET", server.get(1).stimulus());
        assertTrue(server.get(1).trigger().contains("Connection reset by peer"), server.get(1).trigger());
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void refusedConnectGoesFromSynSentToClosed(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        List<Change> client = only(run, "refused", "CLIENT");
        assertEquals(List.of("SYN_SENT", "CLOSED"), Recorded.toStates(client), client.toString());
        assertEquals("CONNECT_FAILED", Recorded.into(client, "CLOSED").stimulus());
    }

    /** Netty connects, accepts and closes on its event loop: the events say so, with that thread's stack. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void eventsCarryTheStackOfTheEventLoopThatCausedThem(String transport) throws Exception {
        Scenarios run = scenarios(transport);
        int seen = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(run.jfr())) {
            if (!e.getEventType().getName().equals("tcpstate.StateChange") || !e.getString("source").equals("API")) {
                continue;
            }
            assertTrue(e.getThread().getJavaName().startsWith("multiThreadIoEventLoopGroup"), e.toString());
            assertTrue(e.getStackTrace() != null && e.getStackTrace().getFrames().stream().map(RecordedFrame::getMethod)
                    .anyMatch(m -> m.getType().getName().startsWith("io.netty.")), e.toString());
            seen++;
        }
        assertTrue(seen >= 20, "API events: " + seen);
    }

    // ---------------------------------------------------------------- against the kernel

    /**
     * Every row ss shows for the child's ports is one connection of the recording, of the transport's
     * kind, whose last state is the one ss shows: the idle client in CLOSE_WAIT, the client that closed
     * first in TIME_WAIT, their servers' ends in FIN_WAIT_2 or gone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void everyRowSsShowsIsOneNettyConnectionInTheStateSsShows(String transport) throws Exception {
        Held run = held(transport);
        Map<String, List<List<Change>>> byTuple = byTuple(run.recorded());
        List<String> problems = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (SsTable.Row row : run.ss()) {
            String tuple = row.localPort() + ">" + row.peerPort();
            List<List<Change>> found = byTuple.getOrDefault(tuple, List.of());
            if (found.size() != 1) {
                problems.add(tuple + " " + row.state() + ": expected one recorded connection, found " + found);
                continue;
            }
            List<Change> changes = found.get(0);
            Change last = changes.get(changes.size() - 1);
            if (!last.to().equals(SsTable.rfcName(row.state()))) {
                problems.add(tuple + ": ss shows " + row.state() + ", the recording ends in " + last.to() + ": " + changes);
            }
            if (!changes.get(0).kind().equals(kind(transport))) {
                problems.add(tuple + ": recorded as " + changes.get(0).kind() + ": " + changes);
            }
            covered.add(last.to());
            System.out.println("[" + transport + "] " + tuple + " ss " + row.state() + ", recorded " + last.to() + " ("
                    + last.source() + ", " + last.trigger() + ")");
        }
        assertEquals(List.of(), problems);
        assertEquals(new TreeSet<>(List.of("LISTEN", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_2", "TIME_WAIT")), covered);
    }

    /** No connection of the child is also discovered by the kernel view as one it did not see open. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void noNettyConnectionIsRecordedTwice(String transport) throws Exception {
        Held run = held(transport);
        for (Map.Entry<String, List<List<Change>>> e : byTuple(run.recorded()).entrySet()) {
            String[] ports = e.getKey().split(">");
            if (!run.expected().containsKey(Integer.parseInt(ports[0]))
                    && !run.expected().containsKey(Integer.parseInt(ports[1]))) {
                continue;
            }
            assertEquals(1, e.getValue().size(), e.getKey() + " recorded more than once: " + e.getValue());
            for (Change c : e.getValue().get(0)) {
                assertEquals(kind(transport), c.kind(), e.getKey() + ": " + e.getValue());
            }
        }
        int leakPort = run.expected().entrySet().stream().filter(x -> x.getValue().contains("CLOSE-WAIT"))
                .findFirst().orElseThrow().getKey();
        List<Change> idle = byTuple(run.recorded()).values().stream().map(l -> l.get(0))
                .filter(c -> c.get(0).role().equals("CLIENT") && c.get(c.size() - 1).remotePort() == leakPort)
                .findFirst().orElseThrow();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSE_WAIT"), Recorded.toStates(idle), idle.toString());
    }

    // ---------------------------------------------------------------- a shaded copy

    /**
     * grpc-netty-shaded's copy of Netty (relocated under {@code io.grpc.netty.shaded.io.netty}) is woven
     * like Netty itself, its descriptors relocated, and recorded with the same kind and states.
     */
    @Test
    void nettyRelocatedByGrpcIsWovenAndRecordedLikeNettyItself() throws Exception {
        Path jfr = dir.resolve("netty-shaded.jfr");
        Exited child = child(List.of("-D" + WithLibraries.PROPERTY + "=" + WithLibraries.jarsUnder("/io/grpc/"),
                "-javaagent:" + Artifacts.agentJar() + "=record=" + jfr + ",kernelInterval=off,verbose=true"),
                ShadedNettyConnection.class.getName()).run();
        assertEquals(0, child.exitCode(), child.stderr());
        assumeTrue(!child.stdout().startsWith("unavailable"), "shaded epoll cannot run here: " + child.stdout());
        assertTrue(child.stdout().contains("done"), child.stdout());
        String shaded = "io.grpc.netty.shaded.io.netty.channel.";
        for (String key : List.of(shaded + "unix.Socket#connect(Ljava/net/SocketAddress;)Z",
                shaded + "unix.FileDescriptor#close()V",
                shaded + "epoll.EpollServerSocketChannel#newChildChannel(I[BII)L"
                        + shaded.replace('.', '/') + "Channel;")) {
            assertTrue(child.stderr().contains("tcpstate: woven " + key + "\n"), key + " not woven:\n" + child.stderr());
        }
        assertFalse(child.stderr().contains("not woven"), child.stderr());
        Matcher m = SCENARIO.matcher(child.stdout());
        assertTrue(m.find(), child.stdout());
        int port = Integer.parseInt(m.group(2));
        Recorded recorded = Recorded.read(jfr);
        List<List<Change>> clients = recorded.withPort(port, "CLIENT");
        List<List<Change>> servers = recorded.withPort(port, "SERVER");
        assertEquals(1, clients.size(), clients.toString());
        assertEquals(1, servers.size(), servers.toString());
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), Recorded.toStates(clients.get(0)));
        assertEquals(List.of("ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"), Recorded.toStates(servers.get(0)));
        assertEquals("NettyEpoll", clients.get(0).get(0).kind());
        assertEquals("NettyEpoll", servers.get(0).get(0).kind());
    }

    // ---------------------------------------------------------------- helpers

    static List<Change> only(Scenarios run, String scenario, String role) {
        List<List<Change>> found = run.recorded().withPort(run.ports().get(scenario), role);
        assertEquals(1, found.size(), scenario + ": exactly one " + role + " connection, got " + found);
        return found.get(0);
    }

    static List<String> sources(List<Change> changes) {
        return changes.stream().map(Change::source).collect(Collectors.toList());
    }

    static String withoutPorts(String stdout) {
        return stdout.replaceAll("port \\d+", "port _");
    }

    /** Recorded connections by the 4-tuple's ports of their last event (local>remote). */
    static Map<String, List<List<Change>>> byTuple(Recorded recorded) {
        Map<String, List<List<Change>>> by = new TreeMap<>();
        for (List<Change> changes : recorded.connections().values()) {
            Change last = changes.get(changes.size() - 1);
            by.computeIfAbsent(last.localPort() + ">" + last.remotePort(), k -> new ArrayList<>()).add(changes);
        }
        return by;
    }

    /** ss's rows of the child: on one of its listeners' ports, whose peer is the child too (or a listener). */
    static List<SsTable.Row> ssOf(Set<Integer> ports) throws Exception {
        List<SsTable.Row> all = SsTable.read();
        Set<String> pairs = all.stream().map(r -> r.localPort() + ">" + r.peerPort()).collect(Collectors.toSet());
        return all.stream()
                .filter(r -> ports.contains(r.localPort()) || ports.contains(r.peerPort()))
                .filter(r -> r.state().equals("LISTEN") || ports.contains(r.peerPort())
                        || pairs.contains(r.peerPort() + ">" + r.localPort()))
                .collect(Collectors.toList());
    }

    /** Waits (bounded) until ss shows, for each listener's port, the states the child meant to hold. */
    static void awaitSsShows(Map<Integer, Set<String>> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Integer, Set<String>> shown;
        do {
            shown = new TreeMap<>();
            for (SsTable.Row r : ssOf(expected.keySet())) {
                int port = expected.containsKey(r.localPort()) ? r.localPort() : r.peerPort();
                shown.computeIfAbsent(port, k -> new TreeSet<>()).add(r.state());
            }
            if (shown.equals(expected)) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("ss never showed " + expected + "; last " + shown);
    }
}
