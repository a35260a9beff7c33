package dev.tcpstate.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One small loopback program per row of DESIGN.md's table, classic and NIO, run in a child JVM under
 * the real agent by {@link AgentSocketStatesIT}. Each scenario uses its own listener and prints
 * {@code scenario <name> port <p>} on stderr, so the test can tell which connections are whose.
 * Standard output carries only what the application itself would print, and is the same with and
 * without the agent.
 */
public final class Scenarios {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    interface Scenario {
        void run(String name) throws Exception;
    }

    static final Map<String, Scenario> ALL = new LinkedHashMap<>();

    static {
        ALL.put("active-close", Scenarios::activeClose);
        ALL.put("half-close", Scenarios::halfClose);
        ALL.put("linger-zero", Scenarios::lingerZero);
        ALL.put("linger-zero-option", Scenarios::lingerZeroOption);
        ALL.put("unread-close", Scenarios::unreadClose);
        ALL.put("refused", Scenarios::refused);
        ALL.put("nio-active-close", Scenarios::nioActiveClose);
        ALL.put("nio-half-close", Scenarios::nioHalfClose);
        ALL.put("nio-nonblocking-connect", Scenarios::nioNonBlockingConnect);
        ALL.put("nio-linger-zero", Scenarios::nioLingerZero);
        ALL.put("nio-refused", Scenarios::nioRefused);
        ALL.put("nio-selector-close", Scenarios::nioSelectorClose);
        ALL.put("nio-adaptor", Scenarios::nioAdaptor);
        ALL.put("async", Scenarios::async);
        ALL.put("async-handler-eof", Scenarios::asyncHandlerEof);
        ALL.put("async-handler-eof-ready", Scenarios::asyncHandlerEofReady);
        ALL.put("virtual-threads", Scenarios::virtualThreads);
    }

    public static void main(String[] args) throws Exception {
        for (String name : args.length == 0 ? ALL.keySet().toArray(new String[0]) : args) {
            if (name.equals("busy")) {
                busy(); // sockets from the first millisecond, while an agent may still be weaving
                continue;
            }
            if (name.equals("pause")) {
                TimeUnit.SECONDS.sleep(3); // lets an agent that weaves in the background finish
                continue;
            }
            ALL.get(name).run(name);
        }
        System.out.println("all scenarios done");
    }

    static void busy() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int cycles = 0;
        try (ServerSocket ss = new ServerSocket(0, 50, LOOPBACK)) {
            while (System.nanoTime() < end) {
                try (Socket client = new Socket(LOOPBACK, ss.getLocalPort()); Socket server = ss.accept()) {
                    client.getOutputStream().write(1);
                    server.getInputStream().read();
                }
                cycles++;
            }
        }
        System.out.println("busy: " + (cycles > 0 ? "cycled" : "no cycle"));
    }

    static void mark(String name, int port) {
        System.err.println("scenario " + name + " port " + port);
    }

    /** Listening ports are given out in turn, below the ephemeral range (32768-60999 here). */
    private static int nextPort = 20_000 + new java.util.Random().nextInt(8_000);

    interface Binder {
        /** Binds a new socket to {@code port} (closing it when that fails). */
        void bind(int port) throws IOException;
    }

    /**
     * Binds with a port no earlier scenario of this run had: the test tells scenarios apart by their
     * listener's port, and the kernel hands out a port just freed by port 0 again (seen in CI:
     * nio-linger-zero and async both on one port).
     */
    static int bindUnique(Binder binder) throws IOException {
        for (int tries = 0;; tries++) {
            int port = nextPort++;
            try {
                binder.bind(port);
                return port;
            } catch (java.net.BindException e) {
                if (tries >= 100) {
                    throw e;
                }
            }
        }
    }

    static ServerSocket listener(String name) throws IOException {
        ServerSocket[] bound = new ServerSocket[1];
        bindUnique(port -> bound[0] = new ServerSocket(port, 50, LOOPBACK));
        ServerSocket ss = bound[0];
        mark(name, ss.getLocalPort());
        return ss;
    }

    static InetSocketAddress address(ServerSocket ss) {
        return new InetSocketAddress(LOOPBACK, ss.getLocalPort());
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    /** The client closes first: it ends in TIME_WAIT; the server reads EOF and closes from CLOSE_WAIT. */
    static void activeClose(String name) throws Exception {
        try (ServerSocket ss = listener(name)) {
            Socket client = new Socket();
            client.connect(address(ss), 2000);
            Socket server = ss.accept();
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[4];
            new java.io.DataInputStream(server.getInputStream()).readFully(buf);
            client.close();
            int eof = server.getInputStream().read();
            server.close();
            System.out.println(name + ": server got " + new String(buf, StandardCharsets.US_ASCII) + ", then " + eof);
        }
    }

    /** The client ends its request with shutdownOutput, reads the reply to EOF, then closes. */
    static void halfClose(String name) throws Exception {
        try (ServerSocket ss = listener(name)) {
            Socket client = new Socket();
            client.connect(address(ss));
            Socket server = ss.accept();
            client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            String request = readAll(server.getInputStream());
            server.getOutputStream().write(("reply to " + request).getBytes(StandardCharsets.US_ASCII));
            server.close();
            String reply = readAll(client.getInputStream());
            client.close();
            System.out.println(name + ": " + reply);
        }
    }

    /** SO_LINGER 0: close sends RST; the server's read fails with a reset. */
    static void lingerZero(String name) throws Exception {
        lingerZero(name, client -> client.setSoLinger(true, 0));
    }

    /** The same through the generic option setter rather than setSoLinger. */
    static void lingerZeroOption(String name) throws Exception {
        lingerZero(name, client -> client.setOption(StandardSocketOptions.SO_LINGER, 0));
    }

    interface LingerSetter {
        void set(Socket client) throws IOException;
    }

    private static void lingerZero(String name, LingerSetter setter) throws Exception {
        try (ServerSocket ss = listener(name)) {
            Socket client = new Socket();
            client.connect(address(ss));
            Socket server = ss.accept();
            setter.set(client);
            client.close();
            String outcome;
            try {
                outcome = "read " + server.getInputStream().read();
            } catch (SocketException e) {
                outcome = "reset";
            }
            server.close();
            System.out.println(name + ": server " + outcome);
        }
    }

    /** Closing with input left unread sends RST instead of FIN. */
    static void unreadClose(String name) throws Exception {
        try (ServerSocket ss = listener(name)) {
            Socket client = new Socket();
            client.connect(address(ss));
            Socket server = ss.accept();
            OutputStream out = client.getOutputStream();
            out.write(new byte[64]);
            out.flush();
            while (server.getInputStream().available() < 64) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            server.close();
            client.close();
            System.out.println(name + ": done");
        }
    }

    static int closedPort() throws IOException {
        return bindUnique(port -> new ServerSocket(port, 1, LOOPBACK).close());
    }

    static void refused(String name) throws Exception {
        int port = closedPort();
        mark(name, port);
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            System.out.println(name + ": unexpectedly connected");
        } catch (java.net.ConnectException e) {
            System.out.println(name + ": refused");
        }
    }

    static ServerSocketChannel channelListener(String name) throws IOException {
        return listening(name, ServerSocketChannel.open());
    }

    /** {@code listener}, bound to a port of its own and marked as the scenario's. */
    static <C extends NetworkChannel> C listening(String name, C listener) throws IOException {
        bindUnique(port -> listener.bind(new InetSocketAddress(LOOPBACK, port)));
        mark(name, ((InetSocketAddress) listener.getLocalAddress()).getPort());
        return listener;
    }

    static String readToEnd(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (ch.read(buf) >= 0) {
            if (!buf.hasRemaining()) {
                break;
            }
        }
        buf.flip();
        return StandardCharsets.US_ASCII.decode(buf).toString();
    }

    static void nioActiveClose(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name)) {
            SocketChannel client = SocketChannel.open(ssc.getLocalAddress());
            SocketChannel server = ssc.accept();
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            client.close();
            String got = readToEnd(server);
            server.close();
            System.out.println(name + ": server got " + got);
        }
    }

    static void nioHalfClose(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name)) {
            SocketChannel client = SocketChannel.open(ssc.getLocalAddress());
            SocketChannel server = ssc.accept();
            client.write(ByteBuffer.wrap("request".getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            String request = readToEnd(server);
            server.write(ByteBuffer.wrap(("reply to " + request).getBytes(StandardCharsets.US_ASCII)));
            server.close();
            String reply = readToEnd(client);
            client.close();
            System.out.println(name + ": " + reply);
        }
    }

    static void nioNonBlockingConnect(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name); Selector selector = Selector.open()) {
            SocketChannel client = SocketChannel.open();
            client.configureBlocking(false);
            if (!client.connect(ssc.getLocalAddress())) {
                client.register(selector, SelectionKey.OP_CONNECT);
                selector.select(2000);
                client.finishConnect();
            }
            SocketChannel server = ssc.accept();
            client.close();
            selector.selectNow();
            String got = readToEnd(server);
            server.close();
            System.out.println(name + ": connected, server read '" + got + "'");
        }
    }

    static void nioLingerZero(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name)) {
            SocketChannel client = SocketChannel.open(ssc.getLocalAddress());
            SocketChannel server = ssc.accept();
            client.setOption(StandardSocketOptions.SO_LINGER, 0);
            client.close();
            String outcome;
            try {
                outcome = "read " + server.read(ByteBuffer.allocate(8));
            } catch (IOException e) {
                outcome = "reset";
            }
            server.close();
            System.out.println(name + ": server " + outcome);
        }
    }

    static void nioRefused(String name) throws Exception {
        int port = closedPort();
        mark(name, port);
        try (SocketChannel client = SocketChannel.open()) {
            client.connect(new InetSocketAddress(LOOPBACK, port));
            System.out.println(name + ": unexpectedly connected");
        } catch (java.net.ConnectException e) {
            System.out.println(name + ": refused");
        }
    }

    /** A non-blocking channel closed while registered with a selector: the fd is released later. */
    static void nioSelectorClose(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name); Selector selector = Selector.open()) {
            SocketChannel client = SocketChannel.open(ssc.getLocalAddress());
            SocketChannel server = ssc.accept();
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ);
            client.close();
            String got = readToEnd(server);
            server.close();
            selector.selectNow();
            System.out.println(name + ": server read '" + got + "'");
        }
    }

    /** A SocketChannel used through its socket adaptor: one connection, seen once. */
    static void nioAdaptor(String name) throws Exception {
        try (ServerSocketChannel ssc = channelListener(name)) {
            SocketChannel channel = SocketChannel.open();
            Socket client = channel.socket();
            client.connect(ssc.getLocalAddress(), 2000);
            SocketChannel server = ssc.accept();
            server.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
            server.close();
            String got = readAll(client.getInputStream());
            client.close();
            System.out.println(name + ": client read '" + got + "'");
        }
    }

    static AsynchronousServerSocketChannel asyncListener(String name) throws IOException {
        return listening(name, AsynchronousServerSocketChannel.open());
    }

    /** A client connected to {@code assc}. */
    static AsynchronousSocketChannel asyncClient(AsynchronousServerSocketChannel assc) throws Exception {
        AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
        client.connect(assc.getLocalAddress()).get(5, TimeUnit.SECONDS);
        return client;
    }

    static void async(String name) throws Exception {
        try (AsynchronousServerSocketChannel assc = asyncListener(name)) {
            AsynchronousSocketChannel client = asyncClient(assc);
            AsynchronousSocketChannel server = assc.accept().get(5, TimeUnit.SECONDS);
            client.close();
            ByteBuffer buf = ByteBuffer.allocate(8);
            int n = server.read(buf).get(5, TimeUnit.SECONDS);
            server.close();
            System.out.println(name + ": server read " + n);
        }
    }

    /**
     * The server closes first; the client's read, already pending when the FIN arrives, completes on a
     * thread of the channel group with -1 to a completion handler; then the client closes.
     */
    static void asyncHandlerEof(String name) throws Exception {
        asyncPassiveClose(name, false, client -> { });
    }

    /**
     * As above, but the FIN is already there (the kernel shows the client in CLOSE_WAIT) when the client
     * reads: the read completes at once, and the handler gets -1.
     */
    static void asyncHandlerEofReady(String name) throws Exception {
        asyncPassiveClose(name, true, client -> { });
    }

    interface AfterEndOfStream {
        /** Runs once the handler got -1, before the client closes. */
        void run(AsynchronousSocketChannel client) throws Exception;
    }

    static void asyncPassiveClose(String name, boolean finFirst, AfterEndOfStream beforeClose) throws Exception {
        try (AsynchronousServerSocketChannel assc = asyncListener(name)) {
            AsynchronousSocketChannel client = asyncClient(assc);
            AsynchronousSocketChannel server = assc.accept().get(5, TimeUnit.SECONDS);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            CompletionHandler<Integer, Void> handler = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void attachment) {
                    read.complete(n);
                }

                @Override
                public void failed(Throwable failure, Void attachment) {
                    read.completeExceptionally(failure);
                }
            };
            if (finFirst) {
                server.close();
                awaitCloseWait(((InetSocketAddress) client.getLocalAddress()).getPort());
                client.read(ByteBuffer.allocate(8), null, handler);
            } else {
                client.read(ByteBuffer.allocate(8), null, handler);
                server.close();
            }
            int n = read.get(5, TimeUnit.SECONDS);
            beforeClose.run(client);
            client.close();
            System.out.println(name + ": client's handler got " + n);
        }
    }

    /** Waits until the kernel shows the socket on {@code localPort} in CLOSE_WAIT (the peer's FIN received). */
    private static void awaitCloseWait(int localPort) throws Exception {
        String port = String.format(Locale.ROOT, ":%04X ", localPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String table : new String[] {"/proc/self/net/tcp6", "/proc/self/net/tcp"}) {
                for (String row : Files.readAllLines(Path.of(table))) {
                    String[] f = row.trim().split("\\s+");
                    if (f.length > 3 && (f[1] + " ").endsWith(port) && f[3].equals("08")) {
                        return;
                    }
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the kernel never showed port " + localPort + " in CLOSE_WAIT");
    }

    /** The active-close scenario with client and server on virtual threads (JDK 21+). */
    static void virtualThreads(String name) throws Exception {
        java.lang.reflect.Method start;
        try {
            start = Thread.class.getMethod("startVirtualThread", Runnable.class);
        } catch (NoSuchMethodException e) {
            System.out.println(name + ": skipped, no virtual threads before JDK 21");
            return;
        }
        Throwable[] failure = new Throwable[1];
        Thread t = (Thread) start.invoke(null, (Runnable) () -> {
            try {
                activeClose(name);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.join();
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
    }
}
