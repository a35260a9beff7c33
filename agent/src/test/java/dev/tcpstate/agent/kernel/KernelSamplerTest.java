package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KernelSamplerTest {

    @Test
    void intervalOptionAcceptsMillisecondsSecondsMinutesAndOff() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), KernelSampler.parseInterval("500ms"));
        assertEquals(TimeUnit.SECONDS.toNanos(5), KernelSampler.parseInterval("5s"));
        assertEquals(TimeUnit.MINUTES.toNanos(1), KernelSampler.parseInterval("1m"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), KernelSampler.parseInterval("1.5s"), "the analyzer's grammar");
        assertEquals(TimeUnit.HOURS.toNanos(1), KernelSampler.parseInterval("1h"));
        assertEquals(-1, KernelSampler.parseInterval("off"));
        assertEquals(-1, KernelSampler.parseInterval(" OFF "));
        assertEquals(KernelSampler.DEFAULT_INTERVAL_NANOS, KernelSampler.parseInterval(null));
        assertEquals(KernelSampler.DEFAULT_INTERVAL_NANOS, KernelSampler.parseInterval(""));
        for (String bad : new String[] {"5", "s", "2h", "-5s", "5 sec", "0ms", "9ms", "99999999999s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelSampler.parseInterval(bad), bad);
            assertTrue(e.getMessage().contains("kernelInterval"), e.getMessage());
        }
    }

    @Test
    void backsOffWhenASampleCostsMoreThanOnePercentAndComesBackWhenCheap() {
        long second = TimeUnit.SECONDS.toNanos(1);
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(second, KernelSampler.adapt(second, second, 5 * ms), "0.5%: stays");
        assertEquals(3 * second, KernelSampler.adapt(second, second, 30 * ms), "30 ms: 3 s keeps it at 1%");
        assertEquals(KernelSampler.MAX_INTERVAL_NANOS, KernelSampler.adapt(second, second, 5000 * ms), "capped");
        assertEquals(3 * second / 2, KernelSampler.adapt(3 * second, second, ms), "cheap again: halves");
        assertEquals(second, KernelSampler.adapt(3 * second / 2, second, ms), "never below the configured one");
    }

    @Test
    void oneCostlySampleDoesNotSetThePaceTwoInARowDo() {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(5 * ms, KernelSampler.paceCost(300 * ms, 5 * ms), "a burst after cheap samples");
        assertEquals(60 * ms, KernelSampler.paceCost(60 * ms, 300 * ms), "the table stayed large");
        assertEquals(300 * ms, KernelSampler.paceCost(300 * ms, -1), "no earlier sample");
    }

    @Test
    void samplesOnItsOwnDaemonThreadBracketedByBeginAndEnd() throws Exception {
        ProcTcpTable proc = ProcTcpTable.ofThisProcess();
        assumeTrue(proc != null, "skipped: no /proc/self/net/tcp6 here");
        CountDownLatch threeSamples = new CountDownLatch(3);
        StringBuilder order = new StringBuilder();
        KernelRowSink sink = new KernelRowSink() {
            @Override
            public void beginSample(long nanoTime) {
                assertEquals(KernelSampler.THREAD_NAME, Thread.currentThread().getName());
                assertTrue(Thread.currentThread().isDaemon());
                order.append('[');
            }

            @Override
            public void row(KernelRow row) {
            }

            @Override
            public void endSample() {
                order.append(']');
                threeSamples.countDown();
            }
        };
        KernelSampler sampler = new KernelSampler(sink, proc, SocketInodes.ofThisProcess(),
                TimeUnit.MILLISECONDS.toNanos(20), System.err);
        sampler.thread().start();
        assertTrue(threeSamples.await(30, TimeUnit.SECONDS));
        sampler.stop();
        assertFalse(sampler.isRunning());
        assertTrue(order.toString().startsWith("[][][]"), order.toString());
        assertEquals(0, sampler.failures());
        assertTrue(sampler.lastSampleCpuNanos() >= 0);
        assertTrue(sampler.socketInodes().scans() >= 1);
    }

    /**
     * The end of a chunk asks for a sample; JFR rotates chunks several times a second under a high
     * event rate. A table that costs 30 ms a sample is then read again only once 3 s (1 %) have passed.
     */
    @Test
    void anExtraSampleIsSkippedWhileTheLastOneIsTooRecentForTheBudget() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        KernelTable slow = new KernelTable() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public int read(KernelRowSink sink) {
                reads.incrementAndGet();
                long until = threadCpu() + TimeUnit.MILLISECONDS.toNanos(30);
                long spin = 0;
                while (threadCpu() < until) {
                    spin++; // burns CPU, which the sampler measures
                }
                return spin < 0 ? 1 : 0;
            }
        };
        KernelSampler sampler = new KernelSampler(new KernelRows(), slow,
                new SocketInodes(Paths.get("/nonexistent"), 10), TimeUnit.SECONDS.toNanos(30), System.err);
        sampler.thread().start(); // its first sample measures the cost, then it waits 30 s
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sampler.lastSampleCpuNanos() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(sampler.lastSampleCpuNanos() >= TimeUnit.MILLISECONDS.toNanos(25), "cost " + sampler.lastSampleCpuNanos());
        int before = reads.get();
        assertFalse(sampler.sampleIfWithinBudget(), "30 ms a second ago would be 3 %");
        assertEquals(before, reads.get());
        assertTrue(sampler.sampleNow(), "a stop or an exit still samples");
        assertEquals(before + 1, reads.get());
        sampler.stop();
    }

    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Test
    void failuresAreCountedAndStopTheSamplerWithOneMessage() throws Exception {
        KernelTable broken = new KernelTable() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int read(KernelRowSink sink) throws IOException {
                throw new IOException("no table today");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(err, true, StandardCharsets.UTF_8);
        KernelSampler sampler = new KernelSampler(new KernelRows(), broken,
                new SocketInodes(Paths.get("/nonexistent"), 10), TimeUnit.MILLISECONDS.toNanos(10), log);
        sampler.thread().start();
        sampler.thread().join(30_000);
        assertFalse(sampler.isRunning());
        assertEquals(KernelSampler.MAX_CONSECUTIVE_FAILURES, sampler.failures());
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("tcpstate: kernel sampling stopped"), said);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("no table today"), said);
    }

    /**
     * Nothing is discovered before a recording wants it: the agent's event switch unpauses the sampler.
     * A sampler that sampled at once would have its 10 ms interval pass many times over here.
     */
    @Test
    void aStartedSamplerReadsNothingTillItIsUnpaused() throws Exception {
        assumeTrue(ProcTcpTable.ofThisProcess() != null, "skipped: this OS has no /proc/self/net/tcp6");
        KernelRows sink = new KernelRows();
        KernelSampler sampler = KernelSampler.start(sink, TimeUnit.MILLISECONDS.toNanos(10), KernelTables.Choice.PROC,
                System.err);
        try {
            Thread.sleep(300);
            assertEquals(0, sampler.samples(), "sampled while paused");
            sampler.setPaused(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sampler.samples() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(sampler.samples() > 0, "no sample once unpaused");
        } finally {
            sampler.stop();
        }
    }

    @Test
    void offStartsNothing() {
        assertEquals(null, KernelSampler.start(new KernelRows(), KernelSampler.parseInterval("off"),
                KernelTables.Choice.AUTO, System.err));
    }

    @Test
    void readerChoiceOption() {
        assertEquals(KernelTables.Choice.AUTO, KernelTables.Choice.parse(null));
        assertEquals(KernelTables.Choice.NETLINK, KernelTables.Choice.parse("netlink"));
        assertEquals(KernelTables.Choice.PROC, KernelTables.Choice.parse("PROC"));
        assertThrows(IllegalArgumentException.class, () -> KernelTables.Choice.parse("ebpf"));
        KernelTables.Opened proc = KernelTables.open(KernelTables.Choice.PROC);
        if (proc.table != null) {
            assertEquals("proc", proc.table.name());
        }
    }
}
