package dev.tcpstate.agent.kernel;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one kernel sample costs with many sockets open: not a test, a program (see BENCHMARKS.md).
 * Opens {@code pairs} connected loopback pairs (2 sockets each, so 2 file descriptors each), then
 * times each reader's full read of the table into a sink that only counts rows.
 *
 * <pre>
 * java -cp agent/target/test-classes:agent/target/classes[:agent/target/classes/META-INF/versions/22] \
 *     [--enable-native-access=ALL-UNNAMED] dev.tcpstate.agent.kernel.KernelSamplingBenchmark [pairs] [samples]
 * </pre>
 */
public final class KernelSamplingBenchmark {
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KernelSamplingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        List<Socket> sockets = new ArrayList<>(pairs * 2);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 128, loopback)) {
            for (int i = 0; i < pairs; i++) {
                sockets.add(new Socket(loopback, server.getLocalPort()));
                sockets.add(server.accept());
            }
            System.out.printf(Locale.ROOT, "JDK %s, %d loopback sockets of this process open, %d samples per reader%n",
                    Runtime.version(), sockets.size(), samples);
            List<KernelTable> tables = new ArrayList<>();
            tables.add(KernelTables.proc());
            try {
                tables.add(KernelTables.netlink());
            } catch (UnsupportedOperationException e) {
                System.out.println("netlink: " + e.getMessage());
            }
            for (KernelTable table : tables) {
                measure(table.name(), samples, () -> table.read(new CountingSink()));
                table.close();
            }
            SocketInodes inodes = SocketInodes.ofThisProcess();
            measure("/proc/self/fd scan", Math.max(5, samples / 5), inodes::rescan);
            HostTcpStats host = HostTcpStats.ofThisProcess();
            measure("sockstat + port range", samples, () -> (int) host.timeWaitCount() + host.ephemeralPortLow());
        } finally {
            for (Socket s : sockets) {
                s.setSoLinger(true, 0); // RST: no TIME_WAIT rows left to weigh on the next run
                s.close();
            }
        }
    }

    interface Work {
        int run() throws Exception;
    }

    private static void measure(String name, int samples, Work work) throws Exception {
        int rows = 0;
        for (int i = 0; i < Math.max(3, samples / 5); i++) {
            rows = work.run(); // warm-up: the JIT, and the kernel's caches
        }
        long[] cpu = new long[samples];
        long[] user = new long[samples];
        long[] process = new long[samples];
        long[] wall = new long[samples];
        for (int i = 0; i < samples; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long u0 = THREADS.getCurrentThreadUserTime();
            long p0 = OS.getProcessCpuTime();
            long w0 = System.nanoTime();
            rows = work.run();
            wall[i] = System.nanoTime() - w0;
            process[i] = OS.getProcessCpuTime() - p0;
            user[i] = THREADS.getCurrentThreadUserTime() - u0;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
        }
        // user time and getrusage count in 10 ms ticks: only their totals over all samples mean anything
        System.out.printf(Locale.ROOT, "%-22s result %6d | thread cpu min/median/max %s ms"
                        + " | mean per sample: user %.2f, kernel %.2f, process cpu (getrusage) %.2f ms | wall %s ms%n",
                name, rows, stats(cpu), mean(user), mean(cpu) - mean(user), mean(process), stats(wall));
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).sum() / 1e6 / nanos.length;
    }

    /** min / median / max in milliseconds. */
    private static String stats(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", s[0] / 1e6, s[s.length / 2] / 1e6, s[s.length - 1] / 1e6);
    }

    private static final class CountingSink implements KernelRowSink {
        long rows;

        @Override
        public void beginSample(long nanoTime) {
        }

        @Override
        public void row(KernelRow row) {
            rows++;
        }

        @Override
        public void endSample() {
        }
    }
}
