package dev.tcpstate.demo.client;

import dev.tcpstate.demo.server.LineServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive client connection pool, shaped like the ones in HTTP clients and drivers: idle
 * connections wait in a LIFO stack (the most recently used is lent first, which keeps a few
 * connections hot and lets the others sit), an optional minimum of connections opened up front,
 * an optional evictor of idle connections, and an optional stale check on borrow.
 */
public final class ConnectionPool implements AutoCloseable {

    /** Opens a new connection to the pool's server. */
    public interface Factory {
        Connection open() throws IOException;
    }

    /**
     * @param minIdle          connections opened when the pool starts
     * @param maxIdleTime      evict connections idle longer than this; null: keep them for ever
     * @param validateOnBorrow check a connection for staleness before lending it
     */
    public record Config(int minIdle, Duration maxIdleTime, boolean validateOnBorrow) {

        /** The configuration that leaks: warm connections kept for ever and never checked. */
        public static Config keepForever(int minIdle) {
            return new Config(minIdle, null, false);
        }

        /** Evicts idle connections before the server's keep-alive timeout closes them, and checks on borrow. */
        public static Config evictIdleAfter(Duration maxIdleTime) {
            return new Config(0, maxIdleTime, true);
        }
    }

    private record Idle(Connection connection, long since) {
    }

    private final Factory factory;
    private final Config config;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final Set<Connection> leased = new HashSet<>();
    private final ScheduledExecutorService evictor;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicInteger staleOnBorrow = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private boolean closed;

    public ConnectionPool(Factory factory, Config config) throws IOException {
        this.factory = factory;
        this.config = config;
        for (int i = 0; i < config.minIdle(); i++) {
            Connection connection = open();
            synchronized (this) {
                idle.push(new Idle(connection, System.nanoTime()));
            }
        }
        if (config.maxIdleTime() != null) {
            long period = Math.max(10, config.maxIdleTime().toMillis() / 3);
            evictor = Executors.newSingleThreadScheduledExecutor(LineServer.daemonThreads("pool-evictor-"));
            evictor.scheduleWithFixedDelay(this::evictIdle, period, period, TimeUnit.MILLISECONDS);
        } else {
            evictor = null;
        }
    }

    /** Sends one request on a pooled connection; retries once on a fresh connection if the pooled one fails. */
    public String send(String requestLine) throws IOException {
        Connection connection = borrow();
        try {
            String status = connection.exchange(requestLine);
            release(connection);
            return status;
        } catch (IOException first) {
            discard(connection);
            retried.incrementAndGet();
            Connection fresh = open();
            synchronized (this) {
                leased.add(fresh);
            }
            try {
                String status = fresh.exchange(requestLine);
                release(fresh);
                return status;
            } catch (IOException second) {
                discard(fresh);
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private Connection borrow() throws IOException {
        while (true) {
            Idle candidate;
            synchronized (this) {
                if (closed) {
                    throw new IOException("pool closed");
                }
                candidate = idle.poll();
                if (candidate == null) {
                    break;
                }
                leased.add(candidate.connection());
            }
            if (!config.validateOnBorrow() || !candidate.connection().isStale()) {
                return candidate.connection();
            }
            staleOnBorrow.incrementAndGet();
            discard(candidate.connection());
        }
        Connection connection = open();
        synchronized (this) {
            leased.add(connection);
        }
        return connection;
    }

    private Connection open() throws IOException {
        Connection connection = factory.open();
        opened.incrementAndGet();
        return connection;
    }

    private void release(Connection connection) {
        synchronized (this) {
            if (leased.remove(connection) && !closed) {
                idle.push(new Idle(connection, System.nanoTime()));
                return;
            }
        }
        closeQuietly(connection);
    }

    private void discard(Connection connection) {
        synchronized (this) {
            leased.remove(connection);
        }
        closeQuietly(connection);
    }

    private void evictIdle() {
        long oldest = System.nanoTime() - config.maxIdleTime().toNanos();
        List<Connection> expired = new ArrayList<>();
        synchronized (this) {
            idle.removeIf(entry -> entry.since() - oldest < 0 && expired.add(entry.connection()));
        }
        for (Connection connection : expired) {
            evicted.incrementAndGet();
            closeQuietly(connection);
        }
    }

    /** Local ports of the connections waiting in the pool, most recently used first. */
    public synchronized List<Integer> idlePorts() {
        List<Integer> ports = new ArrayList<>();
        for (Idle entry : idle) {
            ports.add(entry.connection().localPort());
        }
        return ports;
    }

    public int opened() {
        return opened.get();
    }

    public int evicted() {
        return evicted.get();
    }

    public int staleOnBorrow() {
        return staleOnBorrow.get();
    }

    public int retried() {
        return retried.get();
    }

    /** Closes every connection, idle or lent. */
    @Override
    public void close() {
        if (evictor != null) {
            evictor.shutdownNow();
        }
        List<Connection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.forEach(entry -> all.add(entry.connection()));
            idle.clear();
            all.addAll(leased);
            leased.clear();
        }
        all.forEach(ConnectionPool::closeQuietly);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
