package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many connections over time, in a 64 MB heap, with the agent's recording on and its default options
 * (kernel view included): the child finishes, never runs out of memory, and the agent holds on to
 * nothing but what is still alive in TCP's eyes. Half the connections end with the client's abort
 * (closed on both sides at once), half with the server closing first: those stay in TIME_WAIT on the
 * server's side for 60 s, in the kernel and so in the registry, and are the only ones it may still hold.
 *
 * <p>The long variant (1,000,000 connections, default options) runs only with {@code -Dtcpstate.soak=true}:
 * {@code mvn -B -o -pl agent verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test='dev.tcpstate.agent.reliability.SoakIT' -Dtcpstate.soak=true}.
 */
class SoakIT {

    static final long HEAP = 64L << 20;
    static final int LISTENERS = 4;
    static final int CLIENT_THREADS = 2;
    /** Past the 5 s period of tcpstate.StateSummary, so the last one sees the loop finished. */
    static final long SETTLE_MILLIS = 6_000;

    @TempDir
    Path dir;

    /** Without the kernel view only the API moves connections: the registry's content is exact. */
    @Test
    void hundredThousandConnectionsInA64MegabyteHeapLeaveOnlyTimeWaitBehind() throws Exception {
        Soak s = soak("kernelInterval=off", 100_000, Duration.ofMinutes(3));
        assertEquals(0, s.notYetClosed, "connections the application closed, still held as open");
        assertTrue(s.heapAfterGc < HEAP / 2, "heap after GC: " + s.heapAfterGc + " bytes");
    }

    /** The default options: the kernel view runs, with its back-off on a host table this large. */
    @Test
    void hundredThousandConnectionsWithTheKernelViewFitInA64MegabyteHeap() throws Exception {
        soak("", 100_000, Duration.ofMinutes(3));
    }

    @Test
    @EnabledIfSystemProperty(named = "tcpstate.soak", matches = "true")
    void aMillionConnectionsInA64MegabyteHeap() throws Exception {
        soak("", 1_000_000, Duration.ofMinutes(30));
    }

    record Soak(long heapAfterGc, int timeWait, int notYetClosed) {
    }

    private Soak soak(String options, long total, Duration limit) throws Exception {
        Path jfr = dir.resolve("soak.jfr");
        String agentOptions = "record=" + jfr + (options.isEmpty() ? "" : "," + options);
        Exited run = ChildJvm.java().jvmArgs("-Xmx64m").agent(agentOptions).main(SoakLoop.class, String.valueOf(total),
                String.valueOf(LISTENERS), String.valueOf(CLIENT_THREADS), String.valueOf(SETTLE_MILLIS)).run(limit);
        assertFalse(run.stdout().contains("OutOfMemoryError") || run.stderr().contains("OutOfMemoryError"),
                run.stderr());
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("connections " + total + " failures 0 in "), run.stdout() + run.stderr());
        long heapAfterGc = Long.parseLong(ConcurrentConnectionsIT.numberText(run.stdout(), "heap-after-gc (\\d+)"));
        long millis = Long.parseLong(ConcurrentConnectionsIT.numberText(run.stdout(), "failures 0 in (\\d+) ms"));

        Timeline t = Timeline.read(jfr);
        RecordedEvent summary = t.lastSummary;
        assertNotNull(summary, "a tcpstate.StateSummary in the recording");
        int timeWait = summary.getInt("timeWait");
        int notYetClosed = summary.getInt("synSent") + summary.getInt("synReceived") + summary.getInt("established")
                + summary.getInt("finWait1") + summary.getInt("finWait2") + summary.getInt("closeWait")
                + summary.getInt("closing") + summary.getInt("lastAck");
        System.out.printf("soak [%s] JDK %d: %d connections in %d ms (%.0f/s), heap after GC %.1f MB of %d MB;"
                + " recording %d MB, %d StateChange events; last StateSummary: listen %d, timeWait %d,"
                + " other open states %d, evicted %d, dropped %d, host TIME_WAIT %d%n",
                options.isEmpty() ? "kernel view on" : options, ChildJvm.featureVersion(), total, millis, total * 1000.0 / millis, heapAfterGc / 1048576.0,
                HEAP >> 20, Files.size(jfr) >> 20, t.events, summary.getInt("listen"), timeWait, notYetClosed,
                summary.getLong("evicted"), summary.getLong("dropped"), summary.getInt("hostTimeWait"));

        assertEquals(LISTENERS, summary.getInt("listen"), "listeners still open");
        assertTrue(timeWait <= total / 2, "only server-closed connections may wait in TIME_WAIT: " + timeWait);
        assertEquals(0, summary.getLong("evicted"), "connections evicted from a full registry");
        assertEquals(0, summary.getLong("dropped"), "observations dropped by the agent");
        assertTrue(heapAfterGc < HEAP * 3 / 4, "heap after GC: " + heapAfterGc + " bytes");
        return new Soak(heapAfterGc, timeWait, notYetClosed);
    }
}
