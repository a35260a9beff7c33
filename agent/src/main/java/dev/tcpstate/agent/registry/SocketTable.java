package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection of each socket object the application holds, keyed weakly and by identity: the
 * registry never keeps a socket alive, and a socket collected without being untracked (closed) is
 * handed back by {@link #pollCollected}. Each connection is its own weak key ({@link Connection}).
 */
final class SocketTable {
    private final ConcurrentHashMap<Object, Connection> bySocket = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** The connection of this socket object, or {@code null} when it is not tracked. */
    Connection get(Object socket) {
        return bySocket.get(new Lookup(socket));
    }

    /** A connection keyed to {@code socket}, for {@link #putIfAbsent}. */
    Connection newConnection(Object socket, long id, SocketKind kind, Role role, long nowNanos) {
        return new Connection(id, kind, role, nowNanos, socket, collected);
    }

    /**
     * Tracks {@code c} (made by {@link #newConnection}) by its socket; returns the connection another
     * thread tracked that socket as first, or null.
     */
    Connection putIfAbsent(Connection c) {
        synchronized (c) {
            c.tracked = true; // before the connection is published; a connection that lost the race is dropped
        }
        return bySocket.putIfAbsent(c, c);
    }

    void remove(Object socket) {
        Connection c = bySocket.remove(new Lookup(socket));
        if (c != null) {
            synchronized (c) {
                c.tracked = false;
            }
            c.clear(); // never enqueued now: an untracked socket is not one collected without close
        }
    }

    /**
     * The GC found the socket of this tracked connection unreachable: true as soon as it cleared the
     * reference, before {@link #pollCollected} can hand the connection back.
     */
    static boolean collected(Connection c) {
        boolean tracked;
        synchronized (c) {
            tracked = c.tracked;
        }
        return tracked && c.refersTo(null);
    }

    /** The connection of a socket the garbage collector reclaimed while still tracked, now forgotten; or null. */
    Connection pollCollected() {
        Connection c = (Connection) collected.poll();
        if (c == null) {
            return null;
        }
        bySocket.remove(c);
        return c;
    }

    void clear() {
        bySocket.clear();
        while (collected.poll() != null) {
            // drained: these sockets were forgotten with the rest
        }
    }

    /** A short-lived key for lookups, so that a lookup never creates a weak reference. */
    static final class Lookup {
        private final Object socket;

        Lookup(Object socket) {
            this.socket = socket;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(socket);
        }

        @Override
        public boolean equals(Object other) {
            return other == this || socket != null && other instanceof Connection && ((Connection) other).refersTo(socket);
        }
    }
}
