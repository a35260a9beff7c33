package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.reliability.Timeline.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 platform threads (and 64 virtual threads on JDK 21+) open, use and close 50 connections each, all
 * at once, classic and NIO, under the real agent. Every connection opened is in the recording, once,
 * and each one's sequence of states is a path of the state machine with nothing lost or repeated.
 */
class ConcurrentConnectionsIT {

    static final int THREADS = 64;
    static final int PER_THREAD = 50;
    /** States a connection the application has closed can no longer be in. */
    static final Set<String> OPEN_STATES = Set.of("SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT");

    @TempDir
    Path dir;

    @Test
    void everyConnectionIsRecordedOnceAsAValidPathWithoutTheKernelView() throws Exception {
        check("kernelInterval=off");
    }

    @Test
    void everyConnectionIsRecordedOnceAsAValidPathWithTheKernelView() throws Exception {
        check("");
    }

    /**
     * A kernel sample read before the application closed a connection must not be applied after the
     * close: it would move the connection back (FIN_WAIT_1 to ESTABLISHED, LAST_ACK to CLOSE_WAIT), and
     * a JVM that exits before the next sample leaves it recorded as open.
     */
    @Test
    void aKernelSampleOlderThanTheApplicationsCloseNeverMovesTheConnectionBack() throws Exception {
        Timeline t = check("");
        List<String> backwards = new java.util.ArrayList<>();
        List<String> stillOpen = new java.util.ArrayList<>();
        for (List<Change> c : t.connections.values()) {
            for (Change e : c) {
                if (e.source().equals("KERNEL") && !e.to().equals("CLOSED")
                        && Timeline.rank(e.to()) < Timeline.rank(e.from())) {
                    backwards.add(Timeline.describe(c));
                    break;
                }
            }
            boolean closedByApi = c.stream().anyMatch(e -> e.source().equals("API")
                    && Set.of("CLOSE", "ABORT", "SHUTDOWN_OUTPUT").contains(e.stimulus()));
            if (closedByApi && OPEN_STATES.contains(Timeline.last(c))) {
                stillOpen.add(Timeline.describe(c));
            }
        }
        assertEquals(List.of(), backwards, "kernel events that move a connection back");
        assertEquals(List.of(), stillOpen, "connections closed by the application, recorded as open at the end");
    }

    private Timeline check(String options) throws Exception {
        Path jfr = dir.resolve("concurrent.jfr");
        String agentOptions = "record=" + jfr + (options.isEmpty() ? "" : "," + options);
        long begin = System.nanoTime();
        Exited run = ChildJvm.java().agent(agentOptions)
                .main(ConcurrentClients.class, String.valueOf(THREADS), String.valueOf(PER_THREAD))
                .run(Duration.ofSeconds(150));
        long childMillis = (System.nanoTime() - begin) / 1_000_000;
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("failures 0"), run.stdout() + run.stderr());
        int port = number(run.stdout(), "server-port (\\d+)");
        int classic = number(run.stdout(), "opened classic (\\d+)");
        int nio = number(run.stdout(), "opened classic \\d+ nio (\\d+)");
        int onVirtual = number(run.stdout(), "on-virtual (\\d+)");
        int accepted = number(run.stdout(), "accepted (\\d+)");
        int threads = ChildJvm.featureVersion() >= 21 ? 2 * THREADS : THREADS;
        assertEquals(threads * PER_THREAD, classic + nio, run.stdout() + run.stderr());
        if (ChildJvm.featureVersion() < 21) {
            System.out.println("virtual threads: skipped on JDK " + ChildJvm.featureVersion()
                    + " (Thread.ofVirtual needs JDK 21)");
        }

        Timeline t = Timeline.read(jfr);
        List<List<Change>> clients = t.withPort("CLIENT", port);
        List<List<Change>> servers = t.withPort("SERVER", port);
        System.out.printf("concurrency [%s] JDK %d: %d client connections opened (%d classic, %d NIO, %d on virtual"
                + " threads), %d recorded; %d accepted, %d recorded; %d StateChange events; child ran %d ms%n",
                options.isEmpty() ? "kernel view on" : options, ChildJvm.featureVersion(), classic + nio, classic, nio,
                onVirtual, clients.size(), accepted, servers.size(), t.events, childMillis);

        assertEquals(classic + nio, clients.size(), "client connections recorded");
        assertEquals(classic, count(clients, "Socket"), "classic Socket clients recorded");
        assertEquals(nio, count(clients, "SocketChannel"), "SocketChannel clients recorded");
        assertEquals(accepted, servers.size(), "accepted connections recorded");
        if (onVirtual > 0) {
            long fromVirtual = clients.stream().filter(c -> c.get(0).thread().startsWith("vclient-")).count();
            assertEquals(onVirtual, fromVirtual, "connections opened on virtual threads, by the recorded thread name");
        }

        assertEquals(List.of(), Timeline.problems(t.connections.values()));
        assertEquals(List.of(), t.anomalies, "tcpstate.Anomaly events");
        if (!options.isEmpty()) {
            // without the kernel view only the API moves a connection: every close it saw is there.
            // (With the kernel view, see the disabled test below.)
            for (List<List<Change>> side : List.of(clients, servers)) {
                List<String> stillOpen = side.stream().filter(c -> OPEN_STATES.contains(Timeline.last(c)))
                        .map(Timeline::describe).collect(Collectors.toList());
                assertEquals(List.of(), stillOpen, "connections whose close was lost");
            }
        }
        List<String> duplicates = t.connections.values().stream()
                .filter(c -> c.get(0).kind().equals("Kernel")
                        && (c.get(0).localPort() == port || c.get(0).remotePort() == port))
                .map(Timeline::describe).collect(Collectors.toList());
        assertEquals(List.of(), duplicates, "connections found in the kernel that the API had already tracked");
        List<String> byAgentThreads = t.connections.values().stream().flatMap(List::stream)
                .filter(c -> c.source().equals("API") && c.thread().startsWith("tcpstate-"))
                .map(Change::toString).collect(Collectors.toList());
        assertEquals(List.of(), byAgentThreads, "API events committed by the agent's own threads");
        return t;
    }

    static long count(List<List<Change>> connections, String kind) {
        return connections.stream().filter(c -> c.get(0).kind().equals(kind)).count();
    }

    static int number(String text, String regex) {
        return Integer.parseInt(numberText(text, regex));
    }

    /** The first group of the first match of {@code regex} in a child's output. */
    static String numberText(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in:\n" + text);
        return m.group(1);
    }
}
