package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.tcpstate.agent.AgentStatus;
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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections the agent did not see open are discovered in the kernel's table: a child JVM without the
 * agent holds every state {@link KernelStateHolder} makes, among them an idle pooled connection in
 * CLOSE_WAIT; the test then loads the agent into it through the attach API
 * ({@code record=<file>,kernelInterval=200ms}), lets three samples pass, reads ss, lets the child exit
 * and reads the recording it wrote.
 */
class KernelDiscoveryIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Three samples: the sampler lengthens its interval while a sample costs over 1% of it, and this
     * machine's table (shared with other jobs) may hold tens of thousands of rows.
     */
    static final Duration SYNC_WAIT = Duration.ofSeconds(150);

    @TempDir
    static Path dir;

    static HeldInChild held;
    static List<SsTable.Row> ss;
    static AgentStatus status;
    static Exited exited;
    static Recorded recorded;

    @BeforeAll
    static void attachToAChildThatAlreadyHoldsItsConnections() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp6")), "skipped: this OS has no /proc/self/net/tcp6");
        if (!SsTable.available()) {
            System.out.println("skipped: ss (iproute2) is not installed; the kernel-view tests need it as their oracle");
            assumeTrue(false, "ss (iproute2) is not installed");
        }
        Path jfr = dir.resolve("discovered.jfr");
        // JDK 21+ warns about an agent loaded into a running JVM (JEP 451) unless the JVM allows it up front
        List<String> jvmArgs = ChildJvm.featureVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
        try (Running child = ChildJvm.java().jvmArgs(jvmArgs).main(KernelStateHolder.class).start()) {
            child.awaitLine("READY", WAIT);
            held = HeldInChild.parse(child.stdout());
            List<SsTable.Row> settled = held.awaitSsShowsEveryState(Duration.ofSeconds(30));
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(child.pid()));
            try {
                vm.loadAgent(Artifacts.agentJar().toString(), "record=" + jfr + ",kernelInterval=200ms");
                status = AgentStatus.in(vm.getSystemProperties()).orElse(null);
            } finally {
                vm.detach();
            }
            child.send("sync");
            String synced = child.awaitLine("synced", SYNC_WAIT);
            System.out.println("discovery: " + synced + "; agent status: " + status);
            ss = held.ss();
            assertEquals(HeldInChild.keys(settled), HeldInChild.keys(ss), "the held states are steady");
            child.send("exit");
            exited = child.finish(WAIT);
        }
        assertEquals(0, exited.exitCode(), exited.stderr());
        assertTrue(Files.size(jfr) > 0, "recording written at exit");
        recorded = Recorded.read(jfr);
    }

    @Test
    void theAgentLoadedIntoTheRunningJvmWithoutAWarning() {
        assertEquals(AgentStatus.Outcome.INSTALLED, status == null ? null : status.outcome(), String.valueOf(status));
        assertFalse(exited.stderr().contains("WARNING"), exited.stderr());
    }

    @Test
    void idlePooledConnectionInCloseWaitBeforeTheAttachIsDiscovered() {
        List<List<Change>> found = recorded.connections().values().stream()
                .filter(c -> c.get(0).localPort() == held.idleClientPort() && c.get(0).remotePort() == held.idlePoolPort())
                .collect(Collectors.toList());
        assertEquals(1, found.size(), found.toString());
        List<Change> changes = found.get(0);
        Change discovered = changes.get(0);
        assertEquals("Kernel", discovered.kind());
        assertEquals("CLIENT", discovered.role(), "no listener of this process on its local port: it connected out");
        assertEquals("CLOSED", discovered.from());
        assertEquals("CLOSE_WAIT", discovered.to());
        assertEquals("KERNEL", discovered.source());
        assertEquals("kernel: discovered in state CLOSE_WAIT", discovered.trigger());
        assertEquals("127.0.0.1", discovered.localAddress());
        assertEquals("127.0.0.1", discovered.remoteAddress());
        assertEquals(1, changes.size(), "it stays in CLOSE_WAIT: " + changes);
        System.out.println("discovered: " + discovered);
    }

    /**
     * Every row of the child's that a socket of the child owns (a non-zero inode) is discovered, and its
     * last KERNEL state is the one ss shows. Rows with inode 0 (TIME_WAIT, orphans, connections queued on
     * a listener) belong to no descriptor: nothing tells they are this process's, and they are left alone.
     */
    @Test
    void everyHeldConnectionWithASocketIsDiscoveredInTheStateSsShows() {
        List<String> problems = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (SsTable.Row row : ss) {
            List<List<Change>> found = recorded.connections().values().stream()
                    .filter(c -> c.get(0).localPort() == row.localPort() && c.get(0).remotePort() == row.peerPort())
                    .collect(Collectors.toList());
            String tuple = row.localPort() + ">" + row.peerPort() + " " + row.state() + " ino:" + row.inode();
            if (row.inode() == 0) {
                System.out.println("not discoverable (inode 0): " + tuple);
                if (!found.isEmpty()) {
                    problems.add(tuple + ": inode 0, yet recorded " + found);
                }
                continue;
            }
            if (found.size() != 1) {
                problems.add(tuple + ": expected one discovered connection, found " + found);
                continue;
            }
            List<Change> changes = found.get(0);
            Change last = changes.get(changes.size() - 1);
            String expected = SsTable.rfcName(row.state());
            if (!last.source().equals("KERNEL") || !last.to().equals(expected) || !last.kind().equals("Kernel")) {
                problems.add(tuple + ": ss shows " + expected + ", recorded " + changes);
            }
            if (!changes.get(0).trigger().equals("kernel: discovered in state " + SsTable.rfcName(row.state()))) {
                problems.add(tuple + ": " + changes.get(0).trigger());
            }
            // a discovered connection's side: it shares a listener's port when accepted, else it connected out
            String role = expected.equals("LISTEN") ? "LISTENER"
                    : ss.stream().anyMatch(r -> r.state().equals("LISTEN") && r.localPort() == row.localPort())
                    ? "SERVER" : "CLIENT";
            if (!last.role().equals(role)) {
                problems.add(tuple + ": role " + last.role() + ", expected " + role);
            }
            covered.add(expected);
        }
        assertEquals(List.of(), problems);
        assertEquals(new TreeSet<>(List.of("ESTABLISHED", "LISTEN", "SYN_SENT", "FIN_WAIT_1", "FIN_WAIT_2",
                "CLOSE_WAIT", "LAST_ACK", "CLOSING")), covered, "states discovered");
    }
}
