package dev.tcpstate.bench.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The application behind the analyzer benchmark's recording (see {@link AnalyzerCompare}): run for a
 * given time under the agent and a profiling recording, it opens a given number of loopback
 * connections, paced evenly over the run, while other threads allocate, compute and hand work to
 * each other, so the recording holds our events and a profiling recording's JDK events side by side.
 *
 * <pre>ProfiledApp SECONDS CONNECTIONS</pre>
 *
 * <p>Every 100th connection is left in CLOSE_WAIT for 6 s (the server reads the client's EOF and
 * closes only later), so the analyzer has findings to report. Prints {@code RESULT connections=N
 * close_wait=M}.
 */
public final class ProfiledApp {
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static volatile long sink;

    private ProfiledApp() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int connections = Integer.parseInt(args[1]);
        List<Thread> threads = new ArrayList<>();
        threads.add(start("allocator-1", ProfiledApp::allocate));
        threads.add(start("allocator-2", ProfiledApp::allocate));
        Thread[] pair = new Thread[2];
        pair[0] = start("ping", () -> pingPong(pair, 1));
        pair[1] = start("pong", () -> pingPong(pair, 0));
        threads.add(pair[0]);
        threads.add(pair[1]);

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int[] counts = connect(connections, end);
        LockSupport.parkNanos(Math.max(0, end - System.nanoTime()));
        RUNNING.set(false);
        for (Thread t : pair) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf(Locale.ROOT, "RESULT connections=%d close_wait=%d sink=%d%n", counts[0], counts[1], sink & 1);
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Connect, write 4, read the echo, close; every 100th is held in CLOSE_WAIT by the server for 6 s. */
    private static int[] connect(int connections, long end) throws IOException {
        int closeWait = 0;
        try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            Thread echo = start("echo-server", () -> serve(server));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            long start = System.nanoTime();
            long spacing = Math.max(1, (end - start) * 9 / 10 / Math.max(1, connections));
            byte[] buf = new byte[4];
            for (int i = 0; i < connections; i++) {
                LockSupport.parkNanos(start + i * spacing - System.nanoTime());
                boolean hold = i % 100 == 99;
                try (Socket s = new Socket()) {
                    s.connect(address, 5000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    buf[0] = (byte) (hold ? 1 : 0);
                    out.write(buf);
                    readFully(in, buf);
                }
                closeWait += hold ? 1 : 0;
            }
            echo.interrupt();
        }
        return new int[] {connections, closeWait};
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                byte[] buf = new byte[4];
                InputStream in = s.getInputStream();
                readFully(in, buf);
                s.getOutputStream().write(buf);
                while (in.read() >= 0) {
                    // until the client's FIN
                }
                if (buf[0] == 1) {
                    new Thread(() -> {
                        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(6));
                        closeQuietly(s);
                    }, "close-wait-holder").start(); // not a daemon: the JVM waits for it
                } else {
                    s.close();
                }
            } catch (IOException e) {
                return; // the server socket was closed
            }
        }
    }

    private static void readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                throw new IOException("EOF after " + n + " bytes");
            }
            n += r;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Short- and long-lived objects of varied sizes, and some arithmetic on them. */
    private static void allocate() {
        Object[] live = new Object[4096];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long acc = 0;
        while (RUNNING.get()) {
            for (int i = 0; i < 1000; i++) {
                int size = 16 + random.nextInt(i % 10 == 0 ? 64 * 1024 : 512);
                byte[] b = new byte[size];
                b[size - 1] = (byte) i;
                acc += b[size / 2] + Integer.toHexString(size).hashCode();
                if ((i & 7) == 0) {
                    live[random.nextInt(live.length)] = i % 3 == 0 ? new StringBuilder().append(acc).toString() : b;
                }
            }
        }
        sink += acc;
    }

    /** Two threads handing a token to each other: one park and one unpark per hand-over. */
    private static void pingPong(Thread[] pair, int other) {
        while (pair[other] == null) {
            Thread.onSpinWait();
        }
        while (RUNNING.get()) {
            LockSupport.unpark(pair[other]);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
