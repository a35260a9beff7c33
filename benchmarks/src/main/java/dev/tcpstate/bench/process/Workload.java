package dev.tcpstate.bench.process;

import dev.tcpstate.agent.AgentStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The programs the process benchmarks run, one per child JVM, with nothing of the agent on their
 * class path (the agent comes, or not, with {@code -javaagent}). Each prints its figures on one line
 * starting with {@code RESULT}, as {@code key=value} pairs, for {@link Compare} to read.
 *
 * <pre>
 * cycles classic|nio WARMUP MEASURED   connect / write 4 bytes / read 4 bytes / close against an echo thread
 * cold classic|nio N                   the same cycle, its first N in a fresh JVM (not waiting for the agent's weaving)
 * bulk classic|nio BYTES               one connection, BYTES sent one way (after a warm-up connection of BYTES/4)
 * storm ROWS SECONDS                   (agent only) ROWS connections closed first by this JVM, so ROWS TIME_WAIT rows
 *                                      in the kernel's table, and one connection left in CLOSE_WAIT; then SECONDS of
 *                                      the kernel sampler's own figures, and when it confirmed the CLOSE_WAIT
 * trivial                              nothing: the start-up figure is the process's whole life
 * idle                                 prints its pid, then waits for its standard input to close
 * heap N WAIT_SECONDS                  heap after a full GC: before, with N connections open, after closing them,
 *                                      and WAIT_SECONDS later (past TIME_WAIT)
 * </pre>
 */
public final class Workload {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Workload() {
    }

    public static void main(String[] args) throws Exception {
        if (!args[0].equals("trivial") && !args[0].equals("idle") && !args[0].equals("cold")) {
            awaitAgentInstalled();
        }
        switch (args[0]) {
            case "cycles":
                int warmup = Integer.parseInt(args[2]);
                int measured = Integer.parseInt(args[3]);
                cycles(args[1].equals("nio"), cycle -> run(warmup, measured, cycle));
                break;
            case "cold":
                int first = Integer.parseInt(args[2]);
                cycles(args[1].equals("nio"), cycle -> cold(first, cycle));
                break;
            case "bulk":
                bulk(args[1].equals("nio"), Long.parseLong(args[2]));
                break;
            case "storm":
                storm(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                break;
            case "trivial":
                break;
            case "idle":
                System.out.println("PID " + ProcessHandle.current().pid());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the driver closes our input
                }
                break;
            case "heap":
                heap(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                break;
            default:
                throw new IllegalArgumentException("unknown workload " + args[0]);
        }
    }

    /**
     * An agent given at launch weaves on a background thread: a measurement must not start while it
     * does (its CPU and the recompilation of the woven methods are start-up costs). Without an agent
     * the property is absent and this returns at once.
     */
    private static void awaitAgentInstalled() throws InterruptedException {
        if (System.getProperty(AgentStatus.PROPERTY) == null) {
            return; // no agent: AgentStatus, which comes with the agent's jar, is not there to load
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        AgentStatus status;
        while ((status = AgentStatus.in(System.getProperties()).orElseThrow()).outcome() == AgentStatus.Outcome.INSTALLING
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("AGENT " + status.describe());
    }

    // ---------------------------------------------------------------- connection cycles

    interface Cycle {
        void run() throws Exception;
    }

    /** What to do with the cycle: measure its steady state, or its first cycles in a fresh JVM. */
    interface Cycles {
        void run(Cycle cycle) throws Exception;
    }

    private static void cycles(boolean nio, Cycles cycles) throws Exception {
        byte[] four = {1, 2, 3, 4};
        if (nio) {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(LOOPBACK, 0), 1024);
                InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
                Thread echo = daemon(() -> nioEcho(server));
                echo.start();
                ByteBuffer out = ByteBuffer.wrap(four);
                ByteBuffer in = ByteBuffer.allocate(4);
                cycles.run(() -> {
                    try (SocketChannel ch = SocketChannel.open(address)) {
                        out.clear();
                        while (out.hasRemaining()) {
                            ch.write(out);
                        }
                        in.clear();
                        while (in.hasRemaining()) {
                            if (ch.read(in) < 0) {
                                throw new IllegalStateException("echo closed early");
                            }
                        }
                    }
                });
            }
        } else {
            try (ServerSocket server = new ServerSocket(0, 1024, LOOPBACK)) {
                InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
                Thread echo = daemon(() -> classicEcho(server));
                echo.start();
                byte[] in = new byte[4];
                cycles.run(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(address);
                        s.getOutputStream().write(four);
                        if (s.getInputStream().readNBytes(in, 0, 4) != 4) {
                            throw new IllegalStateException("echo closed early");
                        }
                    }
                });
            }
        }
    }

    /**
     * The first {@code n} cycles of a fresh JVM, started at once (an agent given at launch may still be
     * weaving): what a short-lived JVM (a test fork, a batch job) pays. The figures are the cycles' wall
     * time and the process's CPU time from its start to the end of the last cycle.
     */
    private static void cold(int n, Cycle cycle) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            cycle.run();
        }
        long wall = System.nanoTime() - t0;
        result("cycles_ms=%.1f process_cpu_ms=%.1f", wall / 1e6, OS.getProcessCpuTime() / 1e6);
    }

    /** Listeners of the storm: 28,232 ephemeral ports per destination would not hold 30,000 TIME_WAITs. */
    private static final int STORM_LISTENERS = 4;

    private static void storm(int rows, int seconds) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < STORM_LISTENERS; i++) {
            ServerSocket server = new ServerSocket(0, 1024, LOOPBACK);
            servers.add(server);
            addresses.add(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
            daemon(() -> classicEcho(server)).start();
        }
        byte[] four = {1, 2, 3, 4};
        byte[] in = new byte[4];
        long t0 = System.nanoTime();
        for (int i = 0; i < rows; i++) {
            try (Socket s = new Socket()) {
                s.connect(addresses.get(i % STORM_LISTENERS));
                s.getOutputStream().write(four);
                s.getInputStream().readNBytes(in, 0, 4);
            }
        }
        long stormMillis = (System.nanoTime() - t0) / 1_000_000;
        // one connection the peer closes and this JVM does not: CLOSE_WAIT, for the sampler to confirm
        java.util.concurrent.atomic.AtomicLong confirmed = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicInteger heldPort = new java.util.concurrent.atomic.AtomicInteger(-1);
        try (jdk.jfr.consumer.RecordingStream stream = new jdk.jfr.consumer.RecordingStream();
                ServerSocket closer = new ServerSocket(0, 16, LOOPBACK);
                Socket held = new Socket()) {
            stream.enable("tcpstate.StateChangeNoStack");
            stream.onEvent("tcpstate.StateChangeNoStack", e -> {
                if (e.getInt("localPort") == heldPort.get() && "CLOSE_WAIT".equals(e.getString("toState"))
                        && "KERNEL".equals(e.getString("source"))) {
                    confirmed.compareAndSet(-1, e.getStartTime().toEpochMilli());
                }
            });
            stream.startAsync();
            held.connect(closer.getLocalSocketAddress());
            heldPort.set(held.getLocalPort());
            closer.accept().close();
            long closedAt = System.currentTimeMillis();
            dev.tcpstate.agent.kernel.KernelSampler sampler = dev.tcpstate.agent.kernel.KernelSampler.current();
            if (sampler == null) {
                throw new IllegalStateException("no kernel sampler: the storm needs the agent with its kernel view");
            }
            List<Double> cpuMillis = new ArrayList<>();
            List<Double> rowCounts = new ArrayList<>();
            long maxInterval = 0;
            long seen = sampler.samples();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(50);
                long n = sampler.samples();
                if (n != seen) {
                    seen = n;
                    cpuMillis.add(sampler.lastSampleCpuNanos() / 1e6);
                    rowCounts.add((double) sampler.lastSampleRows());
                    maxInterval = Math.max(maxInterval, sampler.intervalNanos());
                }
            }
            long deadline = System.currentTimeMillis() + 5_000; // the stream flushes about once a second
            while (confirmed.get() < 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            cpuMillis.sort(null);
            rowCounts.sort(null);
            result("netlink=%d storm_ms=%d samples=%d sample_cpu_ms_median=%.2f sample_cpu_ms_max=%.2f rows_median=%.0f "
                    + "interval_ms_max=%.0f interval_ms_configured=%.0f close_wait_confirmed_after_ms=%d "
                    + "proc_read_only_cpu_ms=%.2f",
                    sampler.readerName().equals("netlink") ? 1 : 0, stormMillis, cpuMillis.size(), median(cpuMillis), cpuMillis.isEmpty() ? 0 : cpuMillis.get(cpuMillis.size() - 1),
                    median(rowCounts), maxInterval / 1e6, sampler.configuredIntervalNanos() / 1e6,
                    confirmed.get() < 0 ? -1 : confirmed.get() - closedAt, procReadOnlyCpuMillis());
        } finally {
            for (ServerSocket server : servers) {
                server.close();
            }
        }
    }

    /**
     * The floor under a {@code /proc} sample: this thread's CPU to read the two tables' text and parse
     * nothing (the kernel prints every row), median of 5 reads.
     */
    private static double procReadOnlyCpuMillis() throws java.io.IOException {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] buffer = new byte[64 * 1024];
        List<Double> reads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (String table : new String[] {"/proc/self/net/tcp6", "/proc/self/net/tcp"}) {
                try (InputStream in = new java.io.FileInputStream(table)) {
                    while (in.read(buffer) >= 0) {
                        // the text only
                    }
                }
            }
            reads.add((mx.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        reads.sort(null);
        return median(reads);
    }

    private static double median(List<Double> sorted) {
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** Cycles per step of the warm-up after its minimum; and at most this many steps. */
    private static final int WARMUP_STEP = 5_000;
    private static final int MAX_EXTRA_STEPS = 60;
    /** Steps in a row with the JIT under 2 % before the warm-up ends: one compilation can take seconds. */
    private static final int QUIET_STEPS = 3;

    /**
     * Runs {@code warmup} cycles, then more, {@value #WARMUP_STEP} at a time, until the JIT's
     * compiler threads took under 2 % of the process's CPU in {@value #QUIET_STEPS} steps in a row (at most
     * {@value #MAX_EXTRA_STEPS} steps more): the measured window is the steady state, in every
     * configuration alike. The compilation itself is a one-time cost, counted with the start-up.
     */
    private static void run(int warmup, int measured, Cycle cycle) throws Exception {
        for (int i = 0; i < warmup; i++) {
            cycle.run();
        }
        int steps = 0;
        for (int quiet = 0; quiet < QUIET_STEPS && steps < MAX_EXTRA_STEPS; steps++) {
            long jit0 = jitCpu();
            long cpu0 = OS.getProcessCpuTime();
            for (int i = 0; i < WARMUP_STEP; i++) {
                cycle.run();
            }
            quiet = (jitCpu() - jit0) * 50 < OS.getProcessCpuTime() - cpu0 ? quiet + 1 : 0;
        }
        System.out.println("WARMUP " + (warmup + steps * WARMUP_STEP) + " cycles");
        Map<String, Long> threads0 = threadCpu();
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            cycle.run();
        }
        long wall = System.nanoTime() - t0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        Map<String, Long> threads1 = threadCpu();
        result("cycles_per_s=%.1f cpu_us_per_cycle=%.2f", measured * 1e9 / wall, cpu / 1e3 / measured);
        // where the CPU went, per thread name (JVM-internal threads, GC and JIT included, are the rest)
        StringBuilder split = new StringBuilder("THREADS µs/cycle:");
        long named = 0;
        for (Map.Entry<String, Long> e : threads1.entrySet()) {
            long d = e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
            named += d;
            if (d * 100 > cpu) {
                split.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), d / 1e3 / measured));
            }
        }
        split.append(String.format(Locale.ROOT, " unaccounted=%.1f", (cpu - named) / 1e3 / measured));
        System.out.println(split);
    }

    /** CPU time of the JIT's compiler threads so far. */
    private static long jitCpu() {
        long sum = 0;
        for (Map.Entry<String, Long> e : threadCpu().entrySet()) {
            if (e.getKey().contains("CompilerThre")) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /**
     * CPU time of each live thread, summed by name: from {@code /proc/self/task} where there is one,
     * so that the JVM's own threads (GC, JIT, JFR's recorder) are named too; else the Java threads.
     */
    private static Map<String, Long> threadCpu() {
        Map<String, Long> byName = new TreeMap<>();
        java.nio.file.Path tasks = java.nio.file.Paths.get("/proc/self/task");
        if (java.nio.file.Files.isDirectory(tasks)) {
            try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
                for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) all::iterator) {
                    try {
                        String name = java.nio.file.Files.readString(task.resolve("comm")).trim()
                                .replaceAll("#\\d+$", "#n").replaceAll("\\d+$", "");
                        long ns = Long.parseLong(java.nio.file.Files.readString(task.resolve("schedstat")).split(" ")[0]);
                        byName.merge(name, ns, Long::sum);
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the thread ended while we read it
                    }
                }
                return byName;
            } catch (java.io.IOException e) {
                byName.clear();
            }
        }
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    byName.merge(info.getThreadName(), t, Long::sum);
                }
            }
        }
        return byName;
    }

    private static void classicEcho(ServerSocket server) {
        byte[] buf = new byte[4];
        while (true) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int n = in.readNBytes(buf, 0, 4);
                out.write(buf, 0, n);
                in.read(); // the client's FIN: -1
            } catch (Exception e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void nioEcho(ServerSocketChannel server) {
        ByteBuffer buf = ByteBuffer.allocate(4);
        ByteBuffer eof = ByteBuffer.allocate(1);
        while (true) {
            try (SocketChannel ch = server.accept()) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // the 4 bytes
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                eof.clear();
                ch.read(eof); // the client's FIN: -1
            } catch (Exception e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- bulk transfer

    private static void bulk(boolean nio, long bytes) throws Exception {
        transfer(nio, bytes / 4); // warm-up: the JIT, and the socket buffers' sizes
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        transfer(nio, bytes);
        long wall = System.nanoTime() - t0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        result("mib_per_s=%.1f cpu_ms=%.1f", bytes / 1048576.0 * 1e9 / wall, cpu / 1e6);
    }

    private static void transfer(boolean nio, long bytes) throws Exception {
        long[] received = new long[1];
        int chunk = 64 * 1024;
        if (nio) {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(LOOPBACK, 0));
                Thread sink = daemon(() -> {
                    try (SocketChannel ch = server.accept()) {
                        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
                        int n;
                        while ((n = ch.read(buf)) >= 0) {
                            received[0] += n;
                            buf.clear();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                sink.start();
                try (SocketChannel ch = SocketChannel.open(server.getLocalAddress())) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
                    for (long sent = 0; sent < bytes; sent += chunk) {
                        buf.clear();
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                    }
                    ch.shutdownOutput();
                    sink.join();
                }
            }
        } else {
            try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
                Thread sink = daemon(() -> {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[chunk];
                        int n;
                        while ((n = in.read(buf, 0, chunk)) >= 0) {
                            received[0] += n;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                sink.start();
                try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[chunk];
                    for (long sent = 0; sent < bytes; sent += chunk) {
                        out.write(buf);
                    }
                    s.shutdownOutput();
                    sink.join();
                }
            }
        }
        if (received[0] < bytes) {
            throw new IllegalStateException("received " + received[0] + " of " + bytes);
        }
    }

    // ---------------------------------------------------------------- heap per connection

    private static void heap(int connections, int waitSeconds) throws Exception {
        long base = usedAfterGc();
        List<Socket> sockets = new ArrayList<>(connections);
        try (ServerSocket server = new ServerSocket(0, 1024, LOOPBACK)) {
            for (int i = 0; i < connections / 2; i++) {
                sockets.add(new Socket(LOOPBACK, server.getLocalPort()));
                sockets.add(server.accept());
            }
            Thread.sleep(2_500); // at least one kernel sample sees them all
            long open = usedAfterGc();
            for (Socket s : sockets) {
                s.close(); // clients first (active closers, TIME_WAIT), then their accepted peers
            }
            sockets.clear();
            Thread.sleep(2_500);
            long closed = usedAfterGc();
            Thread.sleep(waitSeconds * 1000L);
            long later = usedAfterGc();
            result("connections=%d base=%d open=%d closed=%d after_wait=%d wait_s=%d", connections, base, open, closed,
                    later, waitSeconds);
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------- helpers

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "bench-peer");
        t.setDaemon(true);
        return t;
    }

    private static void result(String format, Object... values) {
        System.out.println("RESULT " + String.format(Locale.ROOT, format, values));
        System.out.flush();
    }
}
