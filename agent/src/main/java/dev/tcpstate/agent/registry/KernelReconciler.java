package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.agent.kernel.KernelRowSink;
import dev.tcpstate.agent.kernel.KernelTable;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.TcpState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * Joins one sample of the kernel's TCP table to the registry: each row that matches a tracked
 * connection's 4-tuple reports the kernel's state for it; a row of this process (its inode is one of
 * our descriptors) that matches nothing is a connection the agent did not see open, and is tracked
 * from now on; a tracked connection the kernel no longer lists has closed. Called only from the
 * sampler's thread.
 *
 * <p>One connection has no 4-tuple yet while the kernel already lists it: a non-blocking connect still
 * pending. The kernel chose its local port, but the JDK reveals it only once connected
 * ({@code SocketChannel.getLocalAddress()} is null until then). Its SYN_SENT row is adopted by the one
 * pending connection to the same peer, when exactly one such connection and one such row exist;
 * otherwise it is left alone, never discovered as a second connection. On loopback the handshake is
 * over before the application calls {@code finishConnect}: a row of ours in a later state that matches
 * nothing is left alone too while a connect to its peer is pending, and found in a later sample.
 */
public final class KernelReconciler implements KernelRowSink {

    private final ConnectionRegistry registry;
    private final TupleIndex tuples;
    private volatile LongPredicate ownInode = inode -> false;
    private volatile LongPredicate unplacedInode = inode -> false;
    private volatile BooleanSupplier rescanNow = () -> false;
    /** The sampler's table: asked how long a connection found lingering has lingered. */
    private volatile KernelTable table;
    /** This sample's rows of inodes no scan has placed yet (bounded): discovered at its end if ours. */
    private final List<KernelRow> unplaced = new ArrayList<>();
    private static final int MAX_UNPLACED = 1024;
    /**
     * At most this many tracked connections in a state that can reach TIME_WAIT and this sample's dump
     * leaves out the rows in TIME_WAIT: each one it misses is asked for by its 4-tuple instead.
     */
    static final int MAX_ASKED_INSTEAD_OF_TIME_WAIT_ROWS = 64;
    /** This sample's dump left out the rows in TIME_WAIT. */
    private boolean timeWaitLeftOut;
    private int generation;
    private long sampleStartNanos;
    /** This sample's SYN_SENT rows that matched no 4-tuple, by peer; usually none. */
    private final Map<Endpoint, List<KernelRow>> unmatchedSynSent = new HashMap<>();
    /** This sample's rows of ours past SYN_SENT that matched no 4-tuple (bounded): discovered at its end. */
    private final List<KernelRow> undiscovered = new ArrayList<>();
    /**
     * The 4-tuples of the last sample's rows of ours on a listener's port that matched nothing
     * (bounded): an application's accept may not have returned yet; discovered if this sample still
     * finds them unmatched.
     */
    private Set<TupleKey> acceptedUnmatched = new HashSet<>();
    /** The registry's {@link ConnectionRegistry#clears} at the last sample; -1 before the first. */
    private long clearsSeen = -1;
    /** This is the first sample since the registry began or forgot everything: every row is from before. */
    private boolean firstSampleSinceClear;
    /** This process's listening ports, gathered at this sample's first discovery; null until then. */
    private Set<Integer> listenerPorts;

    public KernelReconciler(ConnectionRegistry registry) {
        this.registry = registry;
        this.tuples = registry.tuples();
    }

    /** Which socket inodes belong to this process (from {@code /proc/self/fd}). */
    public void setOwnInodes(LongPredicate ownInode) {
        setOwnInodes(ownInode, inode -> false, () -> false);
    }

    /**
     * As above, with what places a socket opened since the last scan within the same sample:
     * {@code unplaced} tells such an inode, {@code rescanNow} rescans when that is cheap.
     */
    public void setOwnInodes(LongPredicate ownInode, LongPredicate unplaced, BooleanSupplier rescanNow) {
        this.ownInode = ownInode;
        this.unplacedInode = unplaced;
        this.rescanNow = rescanNow;
    }

    @Override
    public void readingFrom(KernelTable table) {
        this.table = table;
        registry.askAtClose(table);
    }

    @Override
    public void beginSample(long nanoTime) {
        generation++;
        sampleStartNanos = nanoTime;
        long clears = registry.clears();
        firstSampleSinceClear = clears != clearsSeen;
        clearsSeen = clears;
        timeWaitLeftOut = false;
        registry.collectUnreachable();
        registry.endSuperseded(); // what no indexing thread has ended yet
        unmatchedSynSent.clear();
        undiscovered.clear();
        listenerPorts = null;
    }

    /**
     * The rows in TIME_WAIT are needed only for the tracked connections that may be among them (the
     * kernel shows one in TIME_WAIT, and it is let go); when they are few, each one the sample misses
     * is asked for by its 4-tuple instead ({@link #endSample}).
     */
    @Override
    public boolean wantsTimeWaitRows() {
        int closing = 0;
        for (Connection c : tuples.connections()) {
            if (mayBeInTimeWait(c.state) && ++closing > MAX_ASKED_INSTEAD_OF_TIME_WAIT_ROWS) {
                return true;
            }
        }
        timeWaitLeftOut = true;
        return false;
    }

    private static boolean mayBeInTimeWait(TcpState state) {
        return switch (state) {
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT -> true;
            default -> false;
        };
    }

    /**
     * Which side a discovered connection is: a listener; an accepted connection shares the local port
     * of one of this process's listeners; any other connection of this process connected out.
     */
    private Role roleOf(TcpState observed, int localPort) {
        if (observed == TcpState.LISTEN) {
            if (listenerPorts != null) {
                listenerPorts.add(localPort);
            }
            return Role.LISTENER;
        }
        if (listenerPorts == null) {
            listenerPorts = new HashSet<>();
            for (Connection c : registry.liveConnections()) {
                synchronized (c) {
                    if (c.role == Role.LISTENER && c.local.isKnown()) {
                        listenerPorts.add(c.local.port());
                    }
                }
            }
        }
        return listenerPorts.contains(localPort) ? Role.SERVER : Role.CLIENT;
    }

    @Override
    public void row(KernelRow row) {
        Faults.maybeFail("kernel sampler");
        TcpState observed = TcpState.fromLinuxCode(row.linuxState());
        if (observed == null) {
            return;
        }
        Connection c = tuples.get(row);
        if (c == null) {
            if (observed == TcpState.SYN_SENT) {
                unmatchedSynSent.computeIfAbsent(remote(row), k -> new ArrayList<>()).add(row.copy());
                return; // adopted by a pending connect, or discovered, at the end of the sample
            }
            if (row.inode() != 0 && observed != TcpState.SYN_RECEIVED) {
                if (ownInode.test(row.inode())) {
                    if (undiscovered.size() < MAX_UNPLACED) {
                        undiscovered.add(row.copy()); // unless a connect to its peer is pending
                    } else {
                        discover(row, observed);
                    }
                } else if (unplaced.size() < MAX_UNPLACED && unplacedInode.test(row.inode())) {
                    unplaced.add(row.copy());
                }
            }
            return;
        }
        registry.collectIfUnreachable(c);
        synchronized (c) {
            c.kernelGeneration = generation;
        }
        registry.observeKernelState(c, observed, row.timerMillisLeft(), null, sampleStartNanos);
    }

    private static Endpoint local(KernelRow row) {
        return Endpoint.ofKernel(row.localHi(), row.localLo(), row.localPort());
    }

    private static Endpoint remote(KernelRow row) {
        return Endpoint.ofKernel(row.remoteHi(), row.remoteLo(), row.remotePort());
    }

    private void discover(KernelRow row, TcpState observed) {
        discover(row, observed, roleOf(observed, row.localPort()));
    }

    private void discover(KernelRow row, TcpState observed, Role role) {
        registry.discover(local(row), row.remotePort() == 0 ? Endpoint.UNKNOWN : remote(row),
                observed, row.timerMillisLeft(), role, stateAgeMillis(row, observed));
    }

    /**
     * How long a connection found waiting for its application's close (CLOSE_WAIT) or for the peer's FIN
     * (FIN_WAIT_2) has waited, by the kernel's count of the time since the peer's last ACK (its FIN, or
     * the ACK of ours, in the usual case); -1 when the table cannot tell, and for the other states, where
     * the last ACK says nothing of when the state began.
     */
    private long stateAgeMillis(KernelRow row, TcpState observed) {
        KernelTable t = table;
        return t != null && (observed == TcpState.CLOSE_WAIT || observed == TcpState.FIN_WAIT_2)
                ? t.millisSinceLastAckReceived(row) : -1;
    }

    @Override
    public void endSample() {
        if (!unplaced.isEmpty() && rescanNow.getAsBoolean()) {
            for (KernelRow row : unplaced) {
                if (ownInode.test(row.inode())) {
                    // a socket opened after the last scan: as any row of ours, unless a connect to its peer is pending
                    undiscovered.add(row);
                }
            }
        }
        unplaced.clear();
        Map<Endpoint, List<Connection>> pending = unmatchedSynSent.isEmpty() && undiscovered.isEmpty()
                ? Map.of() : pendingConnects();
        if (!unmatchedSynSent.isEmpty()) {
            adoptOrDiscoverSynSent(pending);
        }
        Set<TupleKey> unmatchedBefore = acceptedUnmatched;
        acceptedUnmatched = new HashSet<>();
        for (KernelRow row : undiscovered) {
            // a connect that completed while the sample was read has its 4-tuple by now
            if (pending.containsKey(remote(row)) || tuples.get(row) != null) {
                continue;
            }
            TcpState observed = TcpState.fromLinuxCode(row.linuxState());
            Role role = roleOf(observed, row.localPort());
            if (role == Role.SERVER && !firstSampleSinceClear) {
                // An accepted socket is ours from the moment accept returns its descriptor, microseconds
                // before the application's accept, and the agent, show it: discovered only if a second
                // sample still finds it unmatched. In the first sample, every connection is from before.
                TupleKey key = TupleKey.of(row);
                if (!unmatchedBefore.contains(key)) {
                    if (acceptedUnmatched.size() < MAX_UNPLACED) {
                        acceptedUnmatched.add(key);
                    }
                    continue;
                }
            }
            discover(row, observed, role);
        }
        undiscovered.clear();
        for (Connection c : tuples.connections()) {
            boolean vanished;
            synchronized (c) {
                // Only connections that existed before this sample was read can be missing from it.
                vanished = c.kernelGeneration != generation && c.firstSeenNanos - sampleStartNanos < 0
                        && (c.kernelSeen || c.released) && c.state != TcpState.CLOSED;
            }
            if (vanished && timeWaitLeftOut && mayBeInTimeWait(c.state)) {
                TcpState now = askedNow(c);
                if (now != null) {
                    registry.observeKernelState(c, now, -1, null, sampleStartNanos);
                    continue; // not gone: in TIME_WAIT, which this sample's dump left out
                }
            }
            if (vanished) {
                registry.collectIfUnreachable(c);
                registry.observeVanished(c, sampleStartNanos);
            }
        }
    }

    /** The kernel's state of this connection now, asked by its 4-tuple; null when it lists none. */
    private TcpState askedNow(Connection c) {
        Endpoint local;
        Endpoint remote;
        synchronized (c) {
            local = c.local;
            remote = c.remote;
        }
        if (table == null || !local.isSpecific() || !remote.isSpecific()) {
            return null;
        }
        int code = table.linuxStateNow(local.hi(), local.lo(), local.port(), remote.hi(), remote.lo(), remote.port());
        return code > 0 ? TcpState.fromLinuxCode(code) : null;
    }

    /** The connects still pending (SYN_SENT as the API saw it, no local port known yet), by peer. */
    private Map<Endpoint, List<Connection>> pendingConnects() {
        Map<Endpoint, List<Connection>> pending = new HashMap<>();
        for (Connection c : registry.liveConnections()) {
            synchronized (c) {
                if (c.state == TcpState.SYN_SENT && !c.local.isKnown() && c.remote.isKnown()) {
                    pending.computeIfAbsent(Endpoint.ofKernel(c.remote.hi(), c.remote.lo(), c.remote.port()),
                            k -> new ArrayList<>()).add(c);
                }
            }
        }
        return pending;
    }

    private void adoptOrDiscoverSynSent(Map<Endpoint, List<Connection>> pending) {
        for (Map.Entry<Endpoint, List<KernelRow>> e : unmatchedSynSent.entrySet()) {
            List<KernelRow> rows = e.getValue();
            List<Connection> waiting = pending.getOrDefault(e.getKey(), List.of());
            if (rows.size() == 1 && waiting.size() == 1) {
                KernelRow r = rows.get(0);
                Connection c = waiting.get(0);
                registry.setEndpoints(c, local(r), null);
                synchronized (c) {
                    c.kernelGeneration = generation;
                }
                registry.observeKernelState(c, TcpState.SYN_SENT, r.timerMillisLeft(), null);
                continue;
            }
            if (!waiting.isEmpty()) {
                continue; // which row is whose cannot be told: wait until the connects complete or fail
            }
            for (KernelRow r : rows) {
                if (r.inode() != 0 && ownInode.test(r.inode())) {
                    registry.discover(local(r), e.getKey(), TcpState.SYN_SENT, r.timerMillisLeft(), Role.CLIENT, -1);
                }
            }
        }
    }
}
