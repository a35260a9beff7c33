package dev.tcpstate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each scenario in its own JVM, checked against what the kernel holds (ss -tan) for the scenario's
 * own ports only: the machine is shared, so nothing else is counted.
 */
class ScenariosOnTheKernelTest {
    private static final Duration GUARD = ChildJvm.GUARD; // only so that a hung child cannot hang the build
    private static final Pattern SERVER = Pattern.compile("server 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern HOLDING_CLOSE_WAIT = Pattern.compile("holding .*on client ports ([\\d,]+)");

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(KernelTruth.available(), "no kernel TCP table (not Linux): the scenarios run, but cannot be checked");
    }

    @Test
    void closeWaitLeakHoldsEveryParkedPooledSocketInCloseWaitUntilThePoolCloses() throws Exception {
        assertParkedConnectionsSitInCloseWait("close-wait-leak");
    }

    @Test
    void nioLeakHoldsEveryParkedChannelInCloseWaitUntilThePoolCloses() throws Exception {
        assertParkedConnectionsSitInCloseWait("nio");
    }

    @Test
    void virtualThreadsLeakHoldsCloseWaitOnJdk21AndIsSkippedBefore() throws Exception {
        if (Runtime.version().feature() >= 21) {
            assertParkedConnectionsSitInCloseWait("virtual-threads");
            return;
        }
        try (Running demo = demo("virtual-threads")) {
            String output = awaitSuccess(demo);
            assertTrue(output.contains("virtual-threads: skipped, virtual threads need JDK 21"), output);
            assertEquals(2, output.lines().count(), output); // the skip line and "done in"
        }
    }

    private static void assertParkedConnectionsSitInCloseWait(String scenario) throws Exception {
        int connections = 6;
        try (Running demo = demo(scenario, "--connections", String.valueOf(connections), "--hold", "2s")) {
            int serverPort = Integer.parseInt(demo.next(SERVER, GUARD).group(1));
            Matcher holding = demo.next(HOLDING_CLOSE_WAIT, GUARD);
            Set<Integer> parked = Arrays.stream(holding.group(1).split(",")).map(Integer::valueOf).collect(Collectors.toSet());
            List<KernelTruth.Socket> closeWait = sockets(s -> s.state().equals("CLOSE_WAIT") && s.peerPort() == serverPort);

            assertEquals(connections - 1, parked.size(), "every pooled connection but the hot one is parked");
            Set<Integer> inCloseWait = closeWait.stream().map(KernelTruth.Socket::localPort).collect(Collectors.toSet());
            assertTrue(inCloseWait.containsAll(parked),
                "every parked client socket is in CLOSE_WAIT towards the server: parked " + parked + ", CLOSE_WAIT " + inCloseWait);
            assertTrue(sockets(s -> s.state().equals("FIN_WAIT_2") && s.localPort() == serverPort).size() >= parked.size(),
                "the server closed first and waits in FIN_WAIT_2 for the client's FIN");

            awaitSuccess(demo);
            assertEquals(List.of(), sockets(s -> s.state().equals("CLOSE_WAIT") && parked.contains(s.localPort())),
                "pool.close() at the end of the scenario ends the CLOSE_WAIT");
        }
    }

    @Test
    void timeWaitStormLeavesOneClientTimeWaitPerRequestAndNoneOnTheServer() throws Exception {
        int requests = 200;
        try (Running demo = demo("time-wait-storm", "--requests", String.valueOf(requests))) {
            int serverPort = Integer.parseInt(demo.next(SERVER, GUARD).group(1));
            awaitSuccess(demo);

            assertTrue(sockets(s -> s.state().equals("TIME_WAIT") && s.peerPort() == serverPort).size() >= requests,
                "each request's client socket waits 2MSL after its active close");
            assertEquals(List.of(), sockets(s -> s.state().equals("TIME_WAIT") && s.localPort() == serverPort),
                "the server closed second: no TIME_WAIT on its side");
        }
    }

    @Test
    void halfCloseLeavesTheClientInTimeWaitAndNothingInCloseWait() throws Exception {
        int uploads = 3;
        try (Running demo = demo("half-close", "--requests", String.valueOf(uploads))) {
            int serverPort = Integer.parseInt(demo.next(SERVER, GUARD).group(1));
            String output = awaitSuccess(demo);

            assertTrue(output.contains("200 OK words=17 lines=2"), output);
            assertTrue(sockets(s -> s.state().equals("TIME_WAIT") && s.peerPort() == serverPort).size() >= uploads,
                "shutdownOutput made the client the first to send FIN");
            assertEquals(List.of(), sockets(s -> s.state().equals("TIME_WAIT") && s.localPort() == serverPort));
            assertEquals(List.of(), sockets(s -> s.state().equals("CLOSE_WAIT") && involves(s, serverPort)));
        }
    }

    @Test
    void resetOnCloseLeavesNoTimeWaitAndTheServerSeesTheResets() throws Exception {
        int each = 3;
        try (Running demo = demo("reset-on-close", "--connections", String.valueOf(each))) {
            int serverPort = Integer.parseInt(demo.next(SERVER, GUARD).group(1));
            Matcher aborted = demo.next(Pattern.compile("(\\d+) requests given up .* SO_LINGER 0"), GUARD);
            Matcher result = demo.next(Pattern.compile("server saw (\\d+) connection resets and (\\d+) ends of stream"),
                    GUARD);
            awaitSuccess(demo);

            assertEquals(each, Integer.parseInt(aborted.group(1)));
            int resets = Integer.parseInt(result.group(1));
            assertTrue(resets >= each, "every SO_LINGER 0 abort reaches the server as a reset: " + resets);
            assertEquals(2 * each, resets + Integer.parseInt(result.group(2)), "every connection ended on the server");
            assertEquals(List.of(), sockets(s -> s.state().equals("TIME_WAIT") && involves(s, serverPort)),
                "an RST ends a connection at once, on both sides");
        }
    }

    @Test
    void healthyPoolEvictsBeforeTheServerTimesOutAndLeavesNoCloseWait() throws Exception {
        try (Running demo = demo("healthy", "--requests", "120", "--hold", "2s")) {
            int serverPort = Integer.parseInt(demo.next(SERVER, GUARD).group(1));
            Matcher summary = demo.next(Pattern.compile("over (\\d+) connections; evicted idle (\\d+)"), GUARD);
            demo.next(Pattern.compile("holding "), GUARD);

            assertEquals(List.of(), sockets(s -> s.state().equals("CLOSE_WAIT") && involves(s, serverPort)));
            assertEquals(List.of(), sockets(s -> s.state().equals("ESTABLISHED") && involves(s, serverPort)),
                "every idle connection was evicted during the pause");
            assertTrue(Integer.parseInt(summary.group(2)) > 0, "the pool evicted idle connections itself");

            awaitSuccess(demo);
            assertEquals(List.of(), sockets(s -> s.state().equals("CLOSE_WAIT") && involves(s, serverPort)));
        }
    }

    @Test
    void allRunsEveryScenarioInSequence() throws Exception {
        try (Running demo = demo("all", "--hold", "300ms", "--requests", "60", "--connections", "3")) {
            String output = awaitSuccess(demo);
            for (Scenario scenario : Demo.SCENARIOS) {
                assertTrue(output.contains("== " + scenario.name() + ": "), scenario.name() + " missing in:\n" + output);
            }
            assertTrue(output.contains("== all 7 scenarios done in "), output);
        }
    }

    /** The demo in a child JVM of the JDK of the test, from demo-app's classes. */
    private static Running demo(String... args) throws IOException {
        return ChildJvm.java().main(Demo.class, args).start();
    }

    /** Waits for the end, asserts exit status 0, and returns all the demo printed. */
    private static String awaitSuccess(Running demo) throws IOException, InterruptedException {
        Exited exited = demo.finish(GUARD);
        assertEquals(0, exited.exitCode(), exited.stdout() + exited.stderr());
        return exited.stdout();
    }

    private static boolean involves(KernelTruth.Socket s, int port) {
        return s.localPort() == port || s.peerPort() == port;
    }

    private static List<KernelTruth.Socket> sockets(Predicate<KernelTruth.Socket> filter) throws Exception {
        return KernelTruth.sockets().stream().filter(filter).collect(Collectors.toList());
    }
}
