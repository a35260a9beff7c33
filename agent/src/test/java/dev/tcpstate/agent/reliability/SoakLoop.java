package dev.tcpstate.agent.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child JVM of {@link SoakIT}: {@code total} connections, one after another on each of
 * {@code clients} client threads, each a connect, a 4-byte request, a 4-byte reply and a close,
 * spread over {@code listeners} in-process listeners. Even connections end with the client's abort
 * (SO_LINGER 0: no TIME_WAIT anywhere), odd ones with the server closing first (TIME_WAIT on the
 * server's side, which holds no client port). Prints its duration and the heap used after a full GC,
 * then waits {@code settleMillis} so a periodic StateSummary reports the registry once all is done.
 */
public final class SoakLoop {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final AtomicLong done = new AtomicLong();
    static final AtomicLong failures = new AtomicLong();

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        int listeners = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        long settleMillis = Long.parseLong(args[3]);
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < listeners; i++) {
            ServerSocket ss = new ServerSocket(0, 128, LOOPBACK);
            addresses.add(new InetSocketAddress(LOOPBACK, ss.getLocalPort()));
            Thread t = new Thread(() -> serve(ss), "server-" + i);
            t.setDaemon(true);
            t.start();
        }
        long begin = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                for (long i = id; i < total; i += clients) {
                    try {
                        connection(addresses.get((int) (i % addresses.size())), i % 2 == 0);
                        long n = done.incrementAndGet();
                        if (n % 100_000 == 0) {
                            System.out.println("progress " + n + " in "
                                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms");
                        }
                    } catch (IOException e) {
                        if (failures.incrementAndGet() < 10) {
                            System.err.println("connection failure: " + e);
                        }
                    }
                }
            }, "client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = memory.getHeapMemoryUsage().getUsed();
        System.out.println("connections " + done.get() + " failures " + failures.get() + " in " + millis + " ms");
        System.out.println("heap-after-gc " + used + " max " + Runtime.getRuntime().maxMemory());
        Thread.sleep(settleMillis);
        System.out.println("done");
    }

    static void connection(InetSocketAddress address, boolean abort) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 10_000);
            s.getOutputStream().write(new byte[] {(byte) (abort ? 'L' : 'S'), 'i', 'n', 'g'});
            InputStream in = s.getInputStream();
            if (in.readNBytes(4).length != 4) {
                throw new IOException("short reply");
            }
            if (abort) {
                s.setSoLinger(true, 0);
            } else if (in.read() != -1) {
                throw new IOException("no end of stream");
            }
        }
    }

    /** One connection at a time per listener: read the request, reply, then close first or wait for the abort. */
    static void serve(ServerSocket ss) {
        while (true) {
            try (Socket s = ss.accept()) {
                InputStream in = s.getInputStream();
                int ending = in.read();
                in.readNBytes(3);
                s.getOutputStream().write(new byte[] {'p', 'o', 'n', 'g'});
                if (ending == 'L') {
                    try {
                        while (in.read() >= 0) {
                            // the client sends nothing more
                        }
                    } catch (IOException reset) {
                        // expected: Connection reset
                    }
                }
            } catch (IOException e) {
                if (failures.incrementAndGet() < 10) {
                    System.err.println("server failure: " + e);
                }
            }
        }
    }
}
