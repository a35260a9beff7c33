package dev.tcpstate.agent.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of {@link ConcurrentConnectionsIT}: {@code threads} platform threads (and as many virtual
 * threads on JDK 21+) start at once, each opening, using and closing {@code perThread} connections to
 * one in-process server, alternating classic {@code Socket} and NIO {@code SocketChannel} and three
 * ways of ending (the server closes first, the client aborts with SO_LINGER 0, the client half-closes).
 * The server closes first in two of three, so few client ports stay in TIME_WAIT.
 * Prints what it opened, per kind, for the test to compare with the recording.
 */
public final class ConcurrentClients {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    static final AtomicInteger classic = new AtomicInteger();
    static final AtomicInteger nio = new AtomicInteger();
    static final AtomicInteger onVirtual = new AtomicInteger();
    static final AtomicInteger accepted = new AtomicInteger();
    static final AtomicInteger failures = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int perThread = Integer.parseInt(args[1]);
        ServerSocket server = new ServerSocket(0, 4096, LOOPBACK);
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
        ExecutorService handlers = Executors.newCachedThreadPool();
        Thread acceptor = new Thread(() -> acceptLoop(server, handlers), "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();

        ThreadFactory virtual = virtualThreadFactory();
        List<Thread> clients = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int id = t;
            clients.add(new Thread(() -> clientLoop(id, perThread, address, go, false), "client-" + t));
            if (virtual != null) {
                clients.add(virtual.newThread(() -> clientLoop(id, perThread, address, go, true)));
            }
        }
        clients.forEach(Thread::start);
        go.countDown();
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                System.err.println("still running after 60 s: " + t);
                for (StackTraceElement f : t.getStackTrace()) {
                    System.err.println("\tat " + f);
                }
            }
        }
        // every accepted connection has finished its handler before the counts are printed
        handlers.shutdown();
        handlers.awaitTermination(30, TimeUnit.SECONDS);
        server.close();
        System.out.println("server-port " + address.getPort());
        System.out.println("virtual " + (virtual == null ? "skipped: no virtual threads before JDK 21" : "on"));
        System.out.println("opened classic " + classic.get() + " nio " + nio.get() + " on-virtual " + onVirtual.get());
        System.out.println("accepted " + accepted.get());
        System.out.println("failures " + failures.get());
    }

    /** {@code Thread.ofVirtual().name("vclient-", 0).factory()}, reflectively (compiled for release 17). */
    static ThreadFactory virtualThreadFactory() throws ReflectiveOperationException {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        Class<?> builder = Class.forName("java.lang.Thread$Builder");
        Object b = Thread.class.getMethod("ofVirtual").invoke(null);
        b = builder.getMethod("name", String.class, long.class).invoke(b, "vclient-", 0L);
        return (ThreadFactory) builder.getMethod("factory").invoke(b);
    }

    static void clientLoop(int id, int count, InetSocketAddress address, CountDownLatch go, boolean virtual) {
        try {
            go.await();
        } catch (InterruptedException e) {
            return;
        }
        for (int i = 0; i < count; i++) {
            char ending = "SLH".charAt((id + i) % 3);
            try {
                if (i % 2 == 0) {
                    classic(address, ending);
                    classic.incrementAndGet();
                } else {
                    nio(address, ending);
                    nio.incrementAndGet();
                }
                if (virtual) {
                    onVirtual.incrementAndGet();
                }
            } catch (Throwable e) {
                failures.incrementAndGet();
                System.err.println("client failure on " + Thread.currentThread() + ":");
                e.printStackTrace();
            }
        }
    }

    /** S: the server closes first; L: the client aborts (SO_LINGER 0); H: the client half-closes first. */
    static void classic(InetSocketAddress address, char ending) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, 10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {(byte) ending, 'i', 'n', 'g'});
            if (ending == 'H') {
                s.shutdownOutput();
            }
            byte[] reply = in.readNBytes(4);
            if (reply.length != 4) {
                throw new IOException("short reply");
            }
            if (ending == 'L') {
                s.setSoLinger(true, 0);
            } else if (in.read() != -1) {
                throw new IOException("no end of stream");
            }
        } finally {
            s.close();
        }
    }

    static void nio(InetSocketAddress address, char ending) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.connect(address);
            ByteBuffer request = ByteBuffer.wrap(new byte[] {(byte) ending, 'i', 'n', 'g'});
            while (request.hasRemaining()) {
                ch.write(request);
            }
            if (ending == 'H') {
                ch.shutdownOutput();
            }
            ByteBuffer reply = ByteBuffer.allocate(5);
            while (reply.position() < 4) {
                if (ch.read(reply) < 0) {
                    throw new IOException("short reply");
                }
            }
            if (ending == 'L') {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            } else if (ch.read(ByteBuffer.allocate(1)) != -1) {
                throw new IOException("no end of stream");
            }
        }
    }

    static void acceptLoop(ServerSocket server, ExecutorService handlers) {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            handlers.execute(() -> serve(s));
        }
    }

    static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            int ending = in.read();
            if (ending == 'H') {
                in.readAllBytes();
            } else {
                in.readNBytes(3);
            }
            s.getOutputStream().write(PONG);
            if (ending == 'L') {
                // wait for the client's RST (or FIN): the server is the passive side here
                try {
                    while (in.read() >= 0) {
                        // nothing more is sent
                    }
                } catch (IOException reset) {
                    // expected: Connection reset
                }
            }
        } catch (Throwable e) {
            failures.incrementAndGet();
            System.err.println("server failure on " + Thread.currentThread() + ":");
            e.printStackTrace();
        }
    }
}
