package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.TcpState;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Connections whose 4-tuple is known, for matching kernel rows (kept only while the kernel view
 * runs). A 4-tuple is indexed once its connection has left CLOSED with both ends known (a listener:
 * its local end), and leaves the index when the connection ends.
 */
final class TupleIndex {
    private final ConcurrentHashMap<TupleKey, Connection> byTuple = new ConcurrentHashMap<>();
    /**
     * Released connections whose 4-tuple a newer one took (the kernel let a new SYN end their TIME_WAIT):
     * no row will ever say they ended, so the registry records it as soon as the thread that indexed the
     * newer one leaves its monitor; every sample drains what is left.
     */
    private final ConcurrentLinkedQueue<Connection> superseded = new ConcurrentLinkedQueue<>();

    /** The connection a kernel row's 4-tuple belongs to, or {@code null}. */
    Connection get(KernelRow row) {
        return byTuple.get(TupleKey.of(row));
    }

    /** Every indexed connection; a weakly consistent view. */
    Iterable<Connection> connections() {
        return byTuple.values();
    }

    /**
     * A connection the kernel showed first: its row is its 4-tuple. Holding c's monitor. False when a
     * connection the application showed took the 4-tuple since the row was read: that row was its.
     */
    boolean putIfAbsent(Connection c) {
        return byTuple.putIfAbsent(TupleKey.of(c), c) == null;
    }

    /**
     * Indexes {@code c} once its 4-tuple is known. Holding c's monitor. Returns the released connection
     * it took the 4-tuple over from, when there is one, or null.
     */
    Connection index(Connection c) {
        if (c.local.isKnown() && (c.remote.isKnown() || c.role == Role.LISTENER) && c.state != TcpState.CLOSED) {
            TupleKey key = TupleKey.of(c);
            Connection old = byTuple.putIfAbsent(key, c);
            if (old != null && old != c && old.released) {
                // The 4-tuple was reused (TIME_WAIT reuse): the old connection's row is gone for good.
                byTuple.replace(key, old, c);
                superseded.add(old);
                return old;
            }
        }
        return null;
    }

    /** Holding c's monitor. */
    void remove(Connection c) {
        byTuple.remove(TupleKey.of(c), c);
    }

    /** The next connection whose 4-tuple a newer one took, or null. */
    Connection pollSuperseded() {
        return superseded.poll();
    }

    void clear() {
        byTuple.clear();
        superseded.clear();
    }
}
