package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.instrument.Hook;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario of {@link Scenarios} runs in one real JVM under the real agent jar, recording to a
 * file; the test reads the recording back and checks each connection's exact sequence of states.
 * The kernel view is off, so what Java cannot see is recorded as EXPECTED.
 */
class AgentSocketStatesIT {

    @TempDir
    static Path dir;

    static Exited withAgent;
    static Exited withoutAgent;
    static Recorded recorded;
    static final Map<String, Integer> PORTS = new HashMap<>();

    @BeforeAll
    static void runScenarios() throws Exception {
        Path jfr = dir.resolve("scenarios.jfr");
        withAgent = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=off,verbose=true").main(Scenarios.class).run();
        assertEquals(0, withAgent.exitCode(), withAgent.stderr());
        withoutAgent = ChildJvm.java().main(Scenarios.class).run();
        assertEquals(0, withoutAgent.exitCode(), withoutAgent.stderr());
        Matcher m = Pattern.compile("scenario (\\S+) port (\\d+)").matcher(withAgent.stderr());
        while (m.find()) {
            PORTS.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertTrue(Files.size(jfr) > 0, "recording written at exit");
        recorded = Recorded.read(jfr);
    }

    private static List<Change> only(String scenario, String role) {
        List<List<Change>> found = recorded.withPort(PORTS.get(scenario), role);
        assertEquals(1, found.size(), scenario + ": exactly one " + role + " connection, got " + found);
        return found.get(0);
    }

    private static void assertStates(String scenario, String role, String... expected) {
        List<Change> changes = only(scenario, role);
        assertEquals(List.of(expected), Recorded.toStates(changes), scenario + " " + role + ": " + changes);
    }

    private static List<String> sources(List<Change> changes) {
        return changes.stream().map(Change::source).collect(Collectors.toList());
    }

    @Test
    void applicationOutputIsTheSameWithAndWithoutTheAgent() {
        assertEquals(withoutAgent.stdout(), withAgent.stdout());
        assertTrue(withAgent.stdout().contains("all scenarios done"));
    }

    @Test
    void everyIntendedJdkMethodIsWovenOnThisJdk() {
        String stderr = withAgent.stderr();
        assertFalse(stderr.contains("not woven"), stderr);
        assertFalse(stderr.contains("could not weave"), stderr);
        for (Hook h : Installer.hooks()) {
            boolean woven = h.descriptors().stream().anyMatch(d -> stderr.contains("tcpstate: woven " + h.key(d) + "\n"));
            assertTrue(woven, "not woven on JDK " + ChildJvm.featureVersion() + ": " + h);
        }
    }

    @Test
    void noAnomaliesInAnyScenario() {
        assertEquals(List.of(), recorded.anomalies());
    }

    @Test
    void activeCloseLeavesTheClientInTimeWaitAndTheServerThroughCloseWaitAndLastAck() {
        assertStates("active-close", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertEquals(List.of("API", "API", "EXPECTED"), sources(only("active-close", "CLIENT")));
        assertStates("active-close", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
        assertStates("active-close", "LISTENER", "LISTEN", "CLOSED");
        Change accepted = only("active-close", "SERVER").get(0);
        assertEquals("SYN_RECEIVED", accepted.from());
        assertEquals("127.0.0.1", accepted.localAddress());
        assertEquals("127.0.0.1", accepted.remoteAddress());
        assertEquals("Socket", accepted.kind());
    }

    /** The application's calls (bind, connect, accept, shutdown, close) carry their stack; the peer's outcomes none. */
    @Test
    void apiEventsOfTheApplicationsCallsCarryTheirStack() {
        int withStack = 0;
        for (List<Change> changes : recorded.connections().values()) {
            for (Change c : changes) {
                if (c.source().equals("API")) {
                    Stimulus s = Stimulus.parse(c.stimulus());
                    assertEquals(s.namesCode(), c.hasStack(), c.toString());
                    withStack += c.hasStack() ? 1 : 0;
                }
            }
        }
        assertTrue(withStack > 50, "events with a stack: " + withStack);
    }

    /**
     * A blocking connect is one event, at its return, with the connect's stack and its time in SYN_SENT
     * (a non-blocking one: {@link #nonBlockingConnectIsEstablishedByFinishConnect}).
     */
    @Test
    void aBlockingConnectIsOneEventCarryingItsStackANonBlockingOneTwo() {
        for (String scenario : List.of("active-close", "nio-active-close", "refused")) {
            Change first = only(scenario, "CLIENT").get(0);
            assertTrue(Recorded.isConnectReturn(first), scenario + ": " + first);
            assertTrue(first.hasStack(), scenario + ": " + first);
            assertTrue(first.frames().stream().anyMatch(f -> f.startsWith(Scenarios.class.getName())),
                    scenario + ": the application's frame in " + first.frames());
        }
    }

    @Test
    void halfCloseThenEndOfStreamReachesTimeWaitFromTheApi() {
        assertStates("half-close", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertEquals(List.of("API", "API", "API"), sources(only("half-close", "CLIENT")));
        assertEquals("Socket.shutdownOutput", only("half-close", "CLIENT").get(1).trigger());
        assertStates("half-close", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
    }

    @Test
    void soLingerZeroAbortsAndThePeerSeesAReset() {
        assertStates("linger-zero", "CLIENT", "SYN_SENT", "ESTABLISHED", "CLOSED");
        Change abort = only("linger-zero", "CLIENT").get(1);
        assertEquals("ABORT", abort.stimulus());
        assertEquals("LINGER_ZERO", abort.abortCause());
        assertTrue(abort.trigger().contains("SO_LINGER 0"), abort.trigger());
        assertStates("linger-zero", "SERVER", "ESTABLISHED", "CLOSED");
        assertEquals("RESET", only("linger-zero", "SERVER").get(1).stimulus());
    }

    @Test
    void closeWithUnreadInputIsAnAbort() {
        assertStates("unread-close", "SERVER", "ESTABLISHED", "CLOSED");
        Change abort = only("unread-close", "SERVER").get(1);
        assertEquals("UNREAD_INPUT", abort.abortCause());
        assertTrue(abort.trigger().contains("unread input"), abort.trigger());
    }

    @Test
    void refusedConnectGoesFromSynSentToClosed() {
        assertStates("refused", "CLIENT", "SYN_SENT", "CLOSED");
        assertEquals("CONNECT_FAILED", only("refused", "CLIENT").get(0).stimulus());
        assertStates("nio-refused", "CLIENT", "SYN_SENT", "CLOSED");
        assertEquals("CONNECT_FAILED", only("nio-refused", "CLIENT").get(0).stimulus());
    }

    @Test
    void nioActiveAndHalfCloseFollowTheSamePathsAsClassicSockets() {
        assertStates("nio-active-close", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertStates("nio-active-close", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
        assertStates("nio-active-close", "LISTENER", "LISTEN", "CLOSED");
        assertEquals("SocketChannel", only("nio-active-close", "CLIENT").get(0).kind());
        assertEquals("ServerSocketChannel", only("nio-active-close", "LISTENER").get(0).kind());
        assertStates("nio-half-close", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertStates("nio-half-close", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
    }

    @Test
    void nonBlockingConnectIsEstablishedByFinishConnect() {
        List<Change> client = only("nio-nonblocking-connect", "CLIENT");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), Recorded.toStates(client));
        Change first = client.get(0);
        if (Recorded.isConnectReturn(first)) {
            // loopback completed the handshake within connect: then it is a blocking connect's one event
            assertEquals("SocketChannel.connect", first.trigger(), client.toString());
        } else {
            // connect returned pending: its start is recorded then, with its stack; finishConnect's end follows
            assertEquals(List.of("CLOSED", "CONNECT", "SocketChannel.connect", true),
                    List.of(first.from(), first.stimulus(), first.trigger(), first.hasStack()), client.toString());
            assertEquals(List.of("CONNECT_ESTABLISHED", "SocketChannel.finishConnect"),
                    List.of(client.get(1).stimulus(), client.get(1).trigger()), client.toString());
        }
    }

    @Test
    void nioSoLingerZeroAbortsAndThePeerSeesAReset() {
        assertStates("nio-linger-zero", "CLIENT", "SYN_SENT", "ESTABLISHED", "CLOSED");
        assertStates("nio-linger-zero", "SERVER", "ESTABLISHED", "CLOSED");
    }

    @Test
    void closeOfAChannelRegisteredWithASelectorSendsFin() {
        assertStates("nio-selector-close", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertStates("nio-selector-close", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
    }

    @Test
    void socketAdaptorOfAChannelIsCountedOnceAsTheChannel() {
        List<Change> client = only("nio-adaptor", "CLIENT");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"), Recorded.toStates(client));
        assertEquals("SocketChannel", client.get(0).kind());
        assertEquals("SocketChannel.socket().connect", client.get(0).trigger());
        assertStates("nio-adaptor", "SERVER", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
    }

    @Test
    void asynchronousChannelsConnectAcceptAndClose() {
        assertStates("async", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertEquals("AsynchronousSocketChannel", only("async", "CLIENT").get(0).kind());
        assertStates("async", "LISTENER", "LISTEN", "CLOSED");
        assertStates("async", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
        List<Change> server = only("async", "SERVER");
        assertEquals("AsynchronousSocketChannel", server.get(0).kind());
        assertEndOfStreamFromTheApi(server.get(1));
    }

    /**
     * The server closes first; the client's read delivers -1 to a completion handler, on a thread of
     * the channel group, once when the read was pending as the FIN came (the channel's finishRead), once
     * when the FIN was already there (its implRead): both are the client's passive close.
     */
    @Test
    void endOfStreamDeliveredToACompletionHandlerIsThePassiveClose() {
        for (String scenario : List.of("async-handler-eof", "async-handler-eof-ready")) {
            assertStates(scenario, "CLIENT", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
            List<Change> client = only(scenario, "CLIENT");
            assertEquals("AsynchronousSocketChannel", client.get(0).kind());
            assertEndOfStreamFromTheApi(Recorded.into(client, "CLOSE_WAIT"));
            assertEquals(List.of("API", "API"), Recorded.sourcesAfterConnect(client), client.toString());
            assertEquals("AsynchronousChannel.close", Recorded.into(client, "LAST_ACK").trigger());
            assertStates(scenario, "SERVER", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
            assertTrue(withAgent.stdout().contains(scenario + ": client's handler got -1"), withAgent.stdout());
        }
        // which of the channel's methods delivered the -1 (finishRead, implRead) its stack told, before end of
        // stream became a stackless event: each scenario makes one of them the path, by when it reads
    }

    private static void assertEndOfStreamFromTheApi(Change eof) {
        assertEquals("ESTABLISHED", eof.from(), eof.toString());
        assertEquals("CLOSE_WAIT", eof.to(), eof.toString());
        assertEquals("READ_EOF", eof.stimulus(), eof.toString());
        assertEquals("AsynchronousSocketChannel read EOF", eof.trigger(), eof.toString());
        assertEquals("API", eof.source(), eof.toString());
    }

    @Test
    void socketsOnVirtualThreadsAreTrackedTheSameWay() {
        if (ChildJvm.featureVersion() < 21) {
            assertTrue(withAgent.stdout().contains("virtual-threads: skipped"));
            return;
        }
        assertStates("virtual-threads", "CLIENT", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT");
        assertStates("virtual-threads", "SERVER", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK");
    }
}
