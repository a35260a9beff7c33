package dev.tcpstate.agent.kernel;

import dev.tcpstate.contract.Durations;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon thread {@value #THREAD_NAME}: every interval, one sample of the kernel's TCP table,
 * handed to a {@link KernelRowSink} as {@code beginSample}, one {@code row} per socket, {@code endSample}.
 *
 * <p>It never lets a {@link Throwable} out: a failed sample is counted, and the sink then sees a
 * {@code beginSample} (perhaps some rows) and <em>no</em> {@code endSample}; the next sample begins
 * afresh. After {@value #MAX_CONSECUTIVE_FAILURES} failures in a row it stops, saying so once on
 * stderr.
 *
 * <p>It keeps its own cost under {@value #CPU_BUDGET_PERCENT}% of one CPU: each sample's CPU time (this
 * thread's, user + kernel, so including the kernel's work of producing the table) is measured, and when
 * it exceeds that share of the interval, the interval grows until it does not (up to
 * {@link #MAX_INTERVAL_NANOS}); it shrinks back towards the configured one when samples get cheap.
 */
public final class KernelSampler {
    public static final String THREAD_NAME = "tcpstate-kernel-sampler";
    /** See BENCHMARKS.md, "Kernel sampling": the figures this default rests on. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Back-off stops here: a table that costs more than 1% even at this pace is sampled anyway. */
    public static final long MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int CPU_BUDGET_PERCENT = 1;
    /** The budget when the user chose the interval: their pace is kept unless a sample costs over 10%. */
    public static final int CHOSEN_INTERVAL_BUDGET_PERCENT = 10;
    static final int MAX_CONSECUTIVE_FAILURES = 10;
    static final int WARM_UP_SAMPLES = 2;
    /** {@code /proc/self/fd} is read again at most once every this many samples (see {@link SocketInodes}). */
    static final int MIN_SAMPLES_BETWEEN_INODE_SCANS = 10;
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final AtomicBoolean SAID_NO_TABLE = new AtomicBoolean();
    private static volatile KernelSampler current;

    private final KernelRowSink sink;
    private final KernelTable table;
    private final SocketInodes inodes;
    private final long configuredIntervalNanos;
    private final PrintStream log;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean paused;

    private volatile long intervalNanos;
    private volatile long samples;
    private volatile long failures;
    private volatile long lastSampleCpuNanos = -1;
    private volatile int lastSampleRows = -1;
    /** When the last sample began ({@link System#nanoTime}), by the sampler's thread or another. */
    private volatile long lastSampleStartNanos;
    private volatile Throwable lastFailure;

    private final int budgetPercent;

    KernelSampler(KernelRowSink sink, KernelTable table, SocketInodes inodes, long intervalNanos, PrintStream log) {
        this(sink, table, inodes, intervalNanos, CPU_BUDGET_PERCENT, log);
    }

    KernelSampler(KernelRowSink sink, KernelTable table, SocketInodes inodes, long intervalNanos, int budgetPercent,
            PrintStream log) {
        this.budgetPercent = budgetPercent;
        this.sink = sink;
        this.table = table;
        this.inodes = inodes;
        this.configuredIntervalNanos = intervalNanos;
        this.intervalNanos = intervalNanos;
        this.log = log;
        sink.readingFrom(table);
        // no inherited thread locals nor context loader: the thread must not pin application classes
        this.thread = new Thread(null, this::run, THREAD_NAME, 0, false);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
    }

    /**
     * Starts the sampler thread, paused until {@link #setPaused setPaused(false)}, sampling into
     * {@code sink}; or returns null: when {@code intervalNanos} is -1
     * ({@code kernelInterval=off}), or when this OS has no TCP table (said once on {@code log}).
     */
    public static KernelSampler start(KernelRowSink sink, long intervalNanos, KernelTables.Choice choice,
            PrintStream log) {
        return start(sink, intervalNanos, choice, CPU_BUDGET_PERCENT, log);
    }

    /** As above, keeping each sample's cost under {@code budgetPercent}% of one CPU. */
    public static KernelSampler start(KernelRowSink sink, long intervalNanos, KernelTables.Choice choice, int budgetPercent,
            PrintStream log) {
        if (intervalNanos < 0) {
            return null;
        }
        KernelTables.Opened opened = KernelTables.open(choice);
        if (opened.table == null) {
            if (SAID_NO_TABLE.compareAndSet(false, true)) {
                log.println("tcpstate: " + opened.reason);
            }
            return null;
        }
        KernelSampler sampler = new KernelSampler(sink, opened.table, SocketInodes.ofThisProcess(), intervalNanos,
                budgetPercent, log);
        // Paused until the agent's event switch says a recording wants the events: a connection discovered
        // before would be tracked without its discovery recorded. Seen (JDK 25, install=async): a recording
        // the application started while the weaving still ran held no discovery of its 5 CLOSE_WAIT
        // connections in 3 runs of 4, only their LingeringConnection re-statements; the switch, first
        // asked after the weaving, found a recording running and had nothing to clear.
        sampler.paused = true;
        sampler.thread.start();
        current = sampler;
        return sampler;
    }

    /**
     * The sampler {@link #start} started last and not yet stopped, or null: what the agent's status
     * reports, and how a program under the agent (an integration test's child JVM) learns which reader
     * runs and waits for samples to pass.
     */
    public static KernelSampler current() {
        return current;
    }

    /** The longest interval {@code kernelInterval=} takes: a lingering CLOSE_WAIT must be confirmed within the hour. */
    static final long LONGEST_OPTION_NANOS = TimeUnit.HOURS.toNanos(1);

    /**
     * Parses {@code kernelInterval=}: a duration ({@link Durations}: {@code 500ms}, {@code 1.5s}, {@code 1m})
     * from 10 ms to 1 h, or {@code off}.
     *
     * @return the interval in nanoseconds, {@link #DEFAULT_INTERVAL_NANOS} for null or empty, -1 for off
     * @throws IllegalArgumentException naming what is accepted
     */
    public static long parseInterval(String option) {
        if (option == null || option.trim().isEmpty()) {
            return DEFAULT_INTERVAL_NANOS;
        }
        if (option.trim().equalsIgnoreCase("off")) {
            return -1;
        }
        long nanos;
        try {
            nanos = Durations.parse(option).toNanos();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kernelInterval: " + e.getMessage() + "; or off");
        }
        if (nanos < MIN_INTERVAL_NANOS || nanos > LONGEST_OPTION_NANOS) {
            throw new IllegalArgumentException("kernelInterval must be from 10ms to 1h; not '" + option + "'");
        }
        return nanos;
    }

    /** While paused (no recording wants the agent's events) the thread samples nothing. */
    public void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** Stops the thread (waiting up to a second for the sample under way) and releases the reader. */
    public void stop() {
        stopping = true;
        if (current == this) {
            current = null;
        }
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The sockets of this process: the sink asks {@link SocketInodes#owns} about rows it does not track. */
    public SocketInodes socketInodes() {
        return inodes;
    }

    public String readerName() {
        return table.name();
    }

    public long samples() {
        return samples;
    }

    public long failures() {
        return failures;
    }

    /** CPU time (user + kernel) of the last successful sample, inode rescan included; -1 before one. */
    public long lastSampleCpuNanos() {
        return lastSampleCpuNanos;
    }

    public int lastSampleRows() {
        return lastSampleRows;
    }

    /** The interval now in force: the configured one, or longer after a back-off. */
    public long intervalNanos() {
        return intervalNanos;
    }

    public long configuredIntervalNanos() {
        return configuredIntervalNanos;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    Thread thread() {
        return thread;
    }

    Throwable lastFailure() {
        return lastFailure;
    }

    private void run() {
        int consecutiveFailures = 0;
        try {
            while (!stopping) {
                long start = System.nanoTime();
                if (paused) {
                    sleepUntil(start + intervalNanos);
                    continue;
                }
                long cpuStart = threadCpuNanos();
                try {
                    sampleOnce(start);
                    consecutiveFailures = 0;
                    long cpu = threadCpuNanos();
                    long cost = cpu >= 0 && cpuStart >= 0 ? cpu - cpuStart : System.nanoTime() - start;
                    long previous = lastSampleCpuNanos;
                    lastSampleCpuNanos = cost;
                    // The first samples pay for class loading, a cold JIT and the first /proc/self/fd
                    // scan: judging the pace on them would slow the sampler down for nothing.
                    if (samples > WARM_UP_SAMPLES) {
                        intervalNanos = adapt(intervalNanos, configuredIntervalNanos, paceCost(cost, previous),
                                budgetPercent);
                    }
                } catch (Throwable t) {
                    failures++;
                    lastFailure = t;
                    if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                        log.println("tcpstate: kernel sampling stopped after " + consecutiveFailures
                                + " failures in a row; only inferred states from now on. Last: " + t);
                        return;
                    }
                }
                sleepUntil(start + intervalNanos);
            }
        } finally {
            table.close();
        }
    }

    /**
     * A sample now, on the caller's thread (serialised with the sampler's own): the last word of a
     * recording that is dumped, stopped or ends with the JVM. False when none could be taken.
     */
    public boolean sampleNow() {
        if (stopping || paused || !thread.isAlive()) {
            return false;
        }
        try {
            sampleOnce(System.nanoTime());
            return true;
        } catch (Throwable t) {
            failures++;
            lastFailure = t;
            return false;
        }
    }

    /**
     * A sample now, as {@link #sampleNow}, unless the last one was too recent for the budget: taken less
     * than its own cost times (100 / budget %) ago. The end of every chunk asks for one, and under a high
     * event rate JFR rotates chunks several times a second: with a large table, each sample of theirs
     * would cost what the budget allows for many seconds.
     */
    public boolean sampleIfWithinBudget() {
        long cost = lastSampleCpuNanos;
        if (samples > 0 && cost > 0 && System.nanoTime() - lastSampleStartNanos < cost * (100 / budgetPercent)) {
            return false;
        }
        return sampleNow();
    }

    private synchronized void sampleOnce(long start) throws Exception {
        lastSampleStartNanos = start;
        inodes.rescanIfWanted(MIN_SAMPLES_BETWEEN_INODE_SCANS);
        sink.beginSample(start);
        lastSampleRows = table.canLeaveOutTimeWait() ? table.read(sink, sink.wantsTimeWaitRows()) : table.read(sink);
        sink.endSample();
        samples++;
    }

    /**
     * The cost the pace follows: the cheaper of the last two samples'. A burst (the sample after a storm
     * of closes records thousands of transitions, once) does not stall the view for a minute; a table
     * that stays large stretches the interval from its second sample on.
     */
    static long paceCost(long cost, long previous) {
        return previous > 0 ? Math.min(cost, previous) : cost;
    }

    /** The next interval: long enough that {@code cost} stays within the budget, never below the configured one. */
    static long adapt(long current, long configured, long cost) {
        return adapt(current, configured, cost, CPU_BUDGET_PERCENT);
    }

    static long adapt(long current, long configured, long cost, int budgetPercent) {
        long needed = cost * (100 / budgetPercent);
        if (needed > current) {
            return Math.min(Math.max(needed, configured), Math.max(MAX_INTERVAL_NANOS, configured));
        }
        if (current > configured && needed < current / 2) {
            return Math.max(configured, Math.max(needed, current / 2));
        }
        return current;
    }

    private void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && !stopping; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
    }

    private static volatile boolean cpuUnavailable;

    /** This thread's CPU time (user + kernel), or -1 where the JDK cannot tell. */
    static long threadCpuNanos() {
        if (cpuUnavailable) {
            return -1;
        }
        try {
            return Cpu.threadNanos();
        } catch (LinkageError e) {
            cpuUnavailable = true;
            return -1;
        }
    }

    /** Thread CPU time, where the JDK offers it (java.management may be absent from a jlinked runtime). */
    private static final class Cpu {
        private static final java.lang.management.ThreadMXBean BEAN = bean();

        private static java.lang.management.ThreadMXBean bean() {
            try {
                java.lang.management.ThreadMXBean b = java.lang.management.ManagementFactory.getThreadMXBean();
                return b.isCurrentThreadCpuTimeSupported() && b.isThreadCpuTimeEnabled() ? b : null;
            } catch (Throwable t) {
                return null;
            }
        }

        static long threadNanos() {
            return BEAN == null ? -1 : BEAN.getCurrentThreadCpuTime();
        }
    }
}
