package dev.tcpstate.demo.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A thread-per-connection server on 127.0.0.1 with a blocking {@link ServerSocket}, as most servers began. */
public final class LineServer implements AutoCloseable {

    /** Serves one accepted connection; the server closes it when this returns. */
    public interface Handler {
        void serve(Socket connection, ServerStats stats) throws IOException;
    }

    private final ServerSocket listener;
    private final Handler handler;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ServerStats stats = new ServerStats();
    private volatile boolean closing;

    private LineServer(String name, Handler handler, ExecutorService workers) throws IOException {
        this.listener = new ServerSocket();
        this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.handler = handler;
        this.workers = workers;
        this.acceptor = new Thread(this::acceptLoop, name + "-acceptor");
        this.acceptor.setDaemon(true);
    }

    /** Starts a server whose connections run on platform threads. */
    public static LineServer start(String name, Handler handler) throws IOException {
        return start(name, handler, Executors.newCachedThreadPool(daemonThreads(name + "-worker-")));
    }

    /** Starts a server whose connections run on {@code workers}, which the server shuts down on close. */
    public static LineServer start(String name, Handler handler, ExecutorService workers) throws IOException {
        LineServer server = new LineServer(name, handler, workers);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public ServerStats stats() {
        return stats;
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                Socket connection = listener.accept();
                stats.accepted.incrementAndGet();
                open.add(connection);
                workers.execute(() -> serve(connection));
            } catch (IOException e) {
                if (!closing) {
                    System.err.println("  server: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            handler.serve(connection, stats);
        } catch (IOException e) {
            if (isReset(e)) {
                stats.resets.incrementAndGet();
            } else if (!closing) {
                System.err.println("  server: " + e);
            }
        } finally {
            open.remove(connection);
        }
    }

    /** How the JDK reports an RST from the peer: on read "Connection reset", on write "Broken pipe" or "Connection reset by peer". */
    static boolean isReset(IOException e) {
        String message = String.valueOf(e.getMessage());
        return e instanceof SocketException && (message.contains("reset") || message.contains("Broken pipe"));
    }

    /** Stops accepting, closes the connections still open, and waits for their threads. */
    @Override
    public void close() throws IOException {
        closing = true;
        listener.close();
        try {
            acceptor.join(5_000);
            for (Socket connection : open) {
                connection.close();
            }
            workers.shutdown();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
