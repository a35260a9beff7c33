package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.state.StateMachine;
import dev.tcpstate.agent.state.TransitionTable;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live connections of this JVM, keyed by their socket object (weakly: the registry never keeps
 * a socket alive), each with its state. Stimuli go through the {@link StateMachine}; transitions and
 * anomalies go to the {@link EventSink}.
 */
public final class ConnectionRegistry {

    /** 2×MSL on Linux: how long an active closer holds TIME_WAIT. */
    public static final long TIME_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ConcurrentHashMap<Object, Connection> bySocket = new ConcurrentHashMap<>();
    /** Every connection not yet CLOSED, including those the application released (TIME_WAIT...); by identity. */
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    /** Connections whose 4-tuple is known, for matching kernel rows (only while the kernel view runs). */
    final ConcurrentHashMap<TupleKey, Connection> byTuple = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final ConcurrentLinkedQueue<Connection> assumedTimeWait = new ConcurrentLinkedQueue<>();
    private final AtomicInteger assumedTimeWaitSize = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final int capacity;
    private volatile EventSink sink;
    private volatile boolean kernelViewActive;

    public ConnectionRegistry(EventSink sink, int capacity) {
        this.sink = sink;
        this.capacity = capacity;
    }

    public void setSink(EventSink sink) {
        this.sink = sink;
    }

    /** While the kernel view runs, nothing is assumed: the kernel reports what really happens. */
    public void setKernelViewActive(boolean active) {
        this.kernelViewActive = active;
    }

    /** Connections tracked and not yet CLOSED. */
    public int size() {
        return live.size();
    }

    /** Every connection not yet CLOSED; a weakly consistent view. */
    public Iterable<Connection> liveConnections() {
        return live;
    }

    public long evictedCount() {
        return evicted.get();
    }

    /**
     * Forgets every connection: while no recording wants our events the agent tracks nothing, and
     * what it knew would go stale (a close it did not see must not look like a leak later). When a
     * recording starts again, the kernel view rediscovers the connections that are still open.
     */
    public void clear() {
        bySocket.clear();
        live.clear();
        byTuple.clear();
        assumedTimeWait.clear();
        assumedTimeWaitSize.set(0);
        while (collected.poll() != null) {
            // drained: these sockets were forgotten with the rest
        }
    }

    /** The connection of this socket object, or {@code null} when the agent does not track it. */
    public Connection lookup(Object socket) {
        return bySocket.get(new LookupKey(socket));
    }

    /**
     * Starts tracking a socket (a connect about to start, an accepted connection, a listener). An
     * already tracked socket keeps its connection. Returns {@code null} when the registry is full.
     */
    public Connection track(Object socket, SocketKind kind, Role role, TcpState initial) {
        Connection existing = lookup(socket);
        if (existing != null) {
            return existing;
        }
        if (live.size() >= capacity && !evictReleased()) {
            evicted.incrementAndGet();
            return null;
        }
        Connection c = new Connection(ids.incrementAndGet(), kind, role, System.nanoTime());
        c.state = initial;
        c.visited = 1 << initial.ordinal();
        Connection raced = bySocket.putIfAbsent(new SocketKey(socket, c, collected), c);
        if (raced != null) {
            return raced;
        }
        live.add(c);
        return c;
    }

    /**
     * Makes room when the registry is full: the connections the application released longest ago
     * (they wait only for the kernel to show their end) are forgotten, a batch at a time so that a
     * full registry under churn scans its contents rarely, and counted. Live connections the
     * application still holds are never evicted: new ones are then not tracked, and counted.
     */
    private synchronized boolean evictReleased() {
        if (live.size() < capacity) {
            return true; // another thread made room meanwhile
        }
        int batch = Math.max(1, capacity / 64);
        // the most recently released of the batch at the head, to be replaced by anything older
        PriorityQueue<Connection> oldest = new PriorityQueue<>(batch + 1,
                (a, b) -> Long.compare(b.releasedNanos, a.releasedNanos));
        for (Connection c : live) {
            synchronized (c) {
                if (!c.released) {
                    continue;
                }
            }
            if (oldest.size() < batch) {
                oldest.add(c);
            } else if (c.releasedNanos - oldest.peek().releasedNanos < 0) {
                oldest.poll();
                oldest.add(c);
            }
        }
        boolean evictedAny = false;
        for (Connection c : oldest) {
            if (live.remove(c)) {
                synchronized (c) {
                    byTuple.remove(TupleKey.of(c), c);
                }
                evicted.incrementAndGet();
                evictedAny = true;
            }
        }
        return evictedAny;
    }

    /** A connection of this process that only the kernel showed (opened before attach, or natively). */
    Connection discover(Endpoint local, Endpoint remote, TcpState observed, long timerMillis) {
        if (live.size() >= capacity) {
            evicted.incrementAndGet();
            return null;
        }
        Connection c = new Connection(ids.incrementAndGet(), SocketKind.KERNEL,
                observed == TcpState.LISTEN ? Role.LISTENER : Role.UNKNOWN, System.nanoTime());
        synchronized (c) {
            c.local = local;
            c.remote = remote;
            c.discovered = true;
            live.add(c);
            byTuple.put(TupleKey.of(c), c);
            observeKernelState(c, observed, timerMillis, "kernel: discovered in state " + observed);
        }
        return c;
    }

    /** The application is done with this socket object: forget it (its connection may live on in timers). */
    public void untrack(Object socket) {
        Object key = new LookupKey(socket);
        bySocket.remove(key);
    }

    public void setEndpoints(Connection c, Endpoint local, Endpoint remote) {
        synchronized (c) {
            if (local != null && local.isKnown()) {
                c.local = local;
            }
            if (remote != null && remote.isKnown()) {
                c.remote = c.role == Role.CLIENT ? Endpoint.shared(remote) : remote;
            }
            indexForKernel(c);
        }
    }

    /** Once its 4-tuple is known, a connection can be matched to kernel rows. Holding c's monitor. */
    private void indexForKernel(Connection c) {
        if (kernelViewActive && c.local.isKnown() && (c.remote.isKnown() || c.role == Role.LISTENER)
                && c.state != TcpState.CLOSED) {
            TupleKey key = TupleKey.of(c);
            Connection old = byTuple.putIfAbsent(key, c);
            if (old != null && old != c && old.released) {
                // The 4-tuple was reused (TIME_WAIT reuse): the old connection's row is gone for good.
                byTuple.replace(key, old, c);
                live.remove(old);
            }
        }
    }

    /**
     * Applies a stimulus the Java API revealed. When it releases the socket (close, collected), what
     * Java can no longer see is assumed, and recorded as assumed, unless the kernel view runs.
     */
    public TcpState apply(Connection c, Stimulus stimulus, String trigger) {
        return apply(c, stimulus, null, trigger);
    }

    /** As above, for a close that sends RST ({@link Stimulus#ABORT}) for {@code cause}. */
    public TcpState apply(Connection c, Stimulus stimulus, AbortCause cause, String trigger) {
        Faults.maybeFail("registry");
        synchronized (c) {
            if (stimulus == Stimulus.READ_EOF) {
                c.endOfStreamRead = true;
            }
            TcpState after = fire(c, stimulus, cause, stimulus.visibility(), trigger, -1);
            if (stimulus == Stimulus.CLOSE || stimulus == Stimulus.GARBAGE_COLLECTED || stimulus == Stimulus.ABORT) {
                if (!c.released) {
                    c.releasedNanos = System.nanoTime();
                }
                c.released = true;
                if (!kernelViewActive && (after == TcpState.FIN_WAIT_1 || after == TcpState.FIN_WAIT_2)) {
                    after = fire(c, Stimulus.ASSUMED_PEER_CLOSED, null, Source.EXPECTED,
                            "assumed: the peer acknowledges our FIN and closes", -1);
                }
                afterTransition(c);
            }
            return after;
        }
    }

    /**
     * A state the kernel showed for this connection; the kernel is the truth, so it is never an
     * anomaly. {@code trigger} null names the segment that explains the change, when one does.
     */
    public void observeKernelState(Connection c, TcpState observed, long timerMillis, String trigger) {
        observeKernelState(c, observed, timerMillis, trigger, Long.MIN_VALUE);
    }

    /**
     * As above, for a row of a sample that began at {@code sampleStartNanos}: a row read before the
     * application's last call on the connection is older than what the API showed, and is ignored.
     */
    public void observeKernelState(Connection c, TcpState observed, long timerMillis, String trigger,
            long sampleStartNanos) {
        synchronized (c) {
            if (sampleStartNanos != Long.MIN_VALUE && c.stateSource != Source.KERNEL
                    && (Math.max(c.stateSinceNanos, c.settledNanos) - sampleStartNanos > 0 || wasIn(c, observed))) {
                // A row read before the application's last call: TCP never goes back to a state it
                // left (CLOSED aside), and a close woven at its start may reach the kernel after
                // the sample began. The next sample will say where the connection really is.
                return;
            }
            if (c.state == TcpState.TIME_WAIT && observed != TcpState.CLOSED && observed != TcpState.TIME_WAIT) {
                // Only CLOSED follows TIME_WAIT: a row of this 4-tuple in another state is a new
                // connection reusing it, which takes the tuple over once the application shows it.
                return;
            }
            boolean firstSight = !c.kernelSeen;
            c.kernelSeen = true;
            TcpState from = c.state;
            if (from == observed) {
                c.stateSource = Source.KERNEL;
                return;
            }
            Stimulus explained = TransitionTable.explainKernelChange(from, observed);
            if (trigger == null) {
                trigger = explained != null ? "kernel: " + explained.description() : "kernel: observed " + observed;
            }
            long now = System.nanoTime();
            emit(c, from, observed, explained, null, Source.KERNEL, trigger, firstSight && c.discovered ? 0
                    : now - c.stateSinceNanos, timerMillis);
            c.state = observed;
            c.visited |= 1 << observed.ordinal();
            c.stateSource = Source.KERNEL;
            c.stateSinceNanos = now;
            afterTransition(c);
        }
    }

    /** The application's call that changed this connection has returned (see SocketBridge.closeReturned). */
    public void settled(Connection c) {
        synchronized (c) {
            c.settledNanos = System.nanoTime();
        }
    }

    private static boolean wasIn(Connection c, TcpState state) {
        return state != TcpState.CLOSED && state != c.state && (c.visited & (1 << state.ordinal())) != 0;
    }

    /** Ends what the registry holds for a connection that reached its end. Called holding c's monitor. */
    private void afterTransition(Connection c) {
        boolean finished = c.state == TcpState.CLOSED
                || (!kernelViewActive && c.released && c.state == TcpState.LAST_ACK);
        if (finished) {
            live.remove(c);
            byTuple.remove(TupleKey.of(c), c);
        } else {
            indexForKernel(c);
        }
    }

    private TcpState fire(Connection c, Stimulus stimulus, AbortCause cause, Source source, String trigger,
            long timerMillis) {
        TcpState from = c.state;
        switch (StateMachine.effect(from, stimulus)) {
            case IGNORED:
                return from;
            case ANOMALY:
                try {
                    sink.anomaly(c, from, stimulus, trigger);
                } catch (Throwable ignored) {
                    // the sink counts its own failures
                }
                return from;
            default:
                TcpState to = StateMachine.next(from, stimulus);
                long now = System.nanoTime();
                emit(c, from, to, stimulus, cause, source, trigger, now - c.stateSinceNanos, timerMillis);
                c.state = to;
                c.visited |= 1 << to.ordinal();
                c.stateSource = source;
                c.stateSinceNanos = now;
                if (to == TcpState.TIME_WAIT && !kernelViewActive) {
                    scheduleAssumedTimeWaitEnd(c);
                }
                afterTransition(c);
                return to;
        }
    }

    private void emit(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause cause, Source source,
            String trigger,
            long previousNanos, long timerMillis) {
        try {
            sink.stateChange(c, from, to, stimulus, cause, source, trigger, previousNanos, timerMillis);
        } catch (Throwable ignored) {
            // the sink counts its own failures; the registry's state stays right regardless
        }
    }

    /** Its end comes 2MSL after it entered TIME_WAIT ({@code stateSinceNanos}); the queue is in that order. */
    private void scheduleAssumedTimeWaitEnd(Connection c) {
        if (assumedTimeWaitSize.get() >= capacity) {
            evicted.incrementAndGet();
            return;
        }
        assumedTimeWait.add(c);
        assumedTimeWaitSize.incrementAndGet();
    }

    /**
     * Housekeeping, called periodically from the agent's own thread: sockets collected without close,
     * and the end of assumed TIME_WAIT periods.
     */
    public void expire(long nowNanos) {
        collectUnreachable();
        Connection head;
        while ((head = assumedTimeWait.peek()) != null) {
            synchronized (head) {
                if (head.state == TcpState.TIME_WAIT && head.stateSinceNanos + TIME_WAIT_NANOS - nowNanos > 0) {
                    return;
                }
                assumedTimeWait.poll();
                assumedTimeWaitSize.decrementAndGet();
                if (head.state == TcpState.TIME_WAIT && head.stateSource != Source.KERNEL) {
                    fire(head, Stimulus.ASSUMED_2MSL_ELAPSED, null, Source.EXPECTED, "assumed: 2MSL elapsed", -1);
                }
            }
        }
    }

    /**
     * Sockets the application dropped without closing them: reported as collected. Also called before
     * each kernel sample, so that a socket the JDK's cleaner has just closed is reported as leaked
     * before the kernel shows the FIN that close sent.
     */
    public void collectUnreachable() {
        Object ref;
        while ((ref = collected.poll()) != null) {
            SocketKey key = (SocketKey) ref;
            bySocket.remove(key);
            Connection c = key.connection;
            boolean leaked;
            synchronized (c) {
                leaked = !c.released;
            }
            if (leaked) {
                apply(c, Stimulus.GARBAGE_COLLECTED, "garbage collected without close");
            }
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
