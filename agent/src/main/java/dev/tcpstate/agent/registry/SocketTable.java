package dev.tcpstate.agent.registry;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection of each socket object the application holds, keyed weakly and by identity: the
 * registry never keeps a socket alive, and a socket collected without being untracked (closed) is
 * handed back by {@link #pollCollected}.
 */
final class SocketTable {
    private final ConcurrentHashMap<Object, Connection> bySocket = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** The connection of this socket object, or {@code null} when it is not tracked. */
    Connection get(Object socket) {
        return bySocket.get(new LookupKey(socket));
    }

    /** Tracks {@code socket} as {@code c}; returns the connection another thread tracked it as first, or null. */
    Connection putIfAbsent(Object socket, Connection c) {
        SocketKey key = new SocketKey(socket, c, collected);
        c.socket = key; // before the connection is published; a connection that lost the race is dropped
        return bySocket.putIfAbsent(key, c);
    }

    void remove(Object socket) {
        Object key = new LookupKey(socket);
        Connection c = bySocket.remove(key);
        if (c != null) {
            synchronized (c) {
                c.socket = null;
            }
        }
    }

    /**
     * The GC found the socket of this tracked connection unreachable: true as soon as it cleared the
     * reference, before {@link #pollCollected} can hand the connection back.
     */
    static boolean collected(Connection c) {
        Reference<?> socket;
        synchronized (c) {
            socket = c.socket;
        }
        return socket != null && socket.refersTo(null);
    }

    /** The connection of a socket the garbage collector reclaimed while still tracked, now forgotten; or null. */
    Connection pollCollected() {
        Object ref = collected.poll();
        if (ref == null) {
            return null;
        }
        SocketKey key = (SocketKey) ref;
        bySocket.remove(key);
        return key.connection;
    }

    void clear() {
        bySocket.clear();
        while (collected.poll() != null) {
            // drained: these sockets were forgotten with the rest
        }
    }

    /** The key stored in the map: weak, compared by identity of the socket object. */
    private static final class SocketKey extends WeakReference<Object> {
        final int hash;
        final Connection connection;

        SocketKey(Object socket, Connection connection, ReferenceQueue<Object> queue) {
            super(socket, queue);
            this.hash = System.identityHashCode(socket);
            this.connection = connection;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (other == this) {
                return true;
            }
            Object mine = get();
            if (mine == null) {
                return false;
            }
            if (other instanceof LookupKey) {
                return ((LookupKey) other).socket == mine;
            }
            return other instanceof SocketKey && ((SocketKey) other).get() == mine;
        }
    }

    /** A short-lived key for lookups, so that a lookup never creates a weak reference. */
    private static final class LookupKey {
        final Object socket;

        LookupKey(Object socket) {
            this.socket = socket;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(socket);
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof SocketKey && ((SocketKey) other).get() == socket;
        }
    }
}
