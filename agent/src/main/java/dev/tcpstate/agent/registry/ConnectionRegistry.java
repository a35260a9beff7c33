package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.kernel.KernelTable;
import dev.tcpstate.agent.state.StateMachine;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * The live connections of this JVM, keyed by their socket object (weakly: the registry never keeps
 * a socket alive), each with its state. Stimuli go through the {@link StateMachine}; transitions and
 * anomalies go to the {@link EventSink}.
 *
 * <p>The entry point of the bridge, the kernel reconciler and the agent's housekeeping; the work is
 * done by its parts: {@link SocketTable} (socket objects, and those collected without close),
 * {@link LiveConnections} (the cap, and eviction when full), {@link TupleIndex} (4-tuples, for
 * kernel rows), {@link Transitions} (a state change, its event, the indexes kept in step),
 * {@link Assumptions} (what is assumed without the kernel view) and {@link KernelObservations}
 * (what the kernel showed).
 */
public final class ConnectionRegistry {

    /** 2×MSL on Linux: how long an active closer holds TIME_WAIT. */
    public static final long TIME_WAIT_NANOS = Assumptions.TIME_WAIT_NANOS;

    private final SocketTable sockets = new SocketTable();
    private final TupleIndex tuples = new TupleIndex();
    private final LiveConnections live;
    private final AssumedTimeWaits assumedTimeWaits;
    private final TimeWaits timeWaits = new TimeWaits();
    private final Transitions transitions;
    private final Assumptions assumptions;
    private final KernelObservations kernel;
    /** The kernel view's reader, asked a connection's state as its close begins (netlink only; /proc cannot). */
    private volatile KernelTable askedAtClose;
    /** Whether {@link #track} walks the stack for the live view's code site (one walk per connection). */
    private volatile boolean captureSites;
    /** Written by the thread that pauses the agent, read by the sampler's. */
    private volatile long clears;

    public ConnectionRegistry(EventSink sink, int capacity) {
        live = new LiveConnections(capacity, tuples);
        assumedTimeWaits = new AssumedTimeWaits(live);
        transitions = new Transitions(sink, live, tuples, assumedTimeWaits, timeWaits);
        assumptions = new Assumptions(transitions, assumedTimeWaits);
        kernel = new KernelObservations(transitions, live, tuples);
    }

    public void setSink(EventSink sink) {
        transitions.setSink(sink);
    }

    /** While the kernel view runs, nothing is assumed: the kernel reports what really happens. */
    public void setKernelViewActive(boolean active) {
        transitions.setKernelViewActive(active);
    }

    /** The kernel view reads with {@code table}: a close may ask it whether the peer's FIN has come. */
    void askAtClose(KernelTable table) {
        askedAtClose = table;
    }

    /**
     * A close of this connection is about to run. When Java saw nothing of the peer's FIN (ESTABLISHED,
     * no end of stream read: {@code ClosePolicy.mayBePassive}), the kernel view's reader can ask the
     * kernel for this one socket (netlink), and the kernel holds it in CLOSE_WAIT, the peer's FIN has
     * arrived and the close is a passive one: that FIN is recorded first. Never throws; one query (two
     * system calls) per such close, none otherwise.
     */
    public void beforeClose(Connection c) {
        KernelTable table = askedAtClose;
        if (table != null) {
            kernel.beforeClose(c, table);
        }
    }

    /**
     * Whether each new connection keeps the code that opened it, for the live view ({@code connections},
     * the MBean): about 1.7 µs of stack walk per connection, so only while someone may look (attached,
     * or {@code live=on}); a recording has the stacks anyway.
     */
    public void setCaptureSites(boolean capture) {
        captureSites = capture;
    }

    /** Connections tracked and not yet CLOSED. */
    public int size() {
        return live.size();
    }

    /** Every connection not yet CLOSED; a weakly consistent view. */
    public Iterable<Connection> liveConnections() {
        return live.all();
    }

    /**
     * This JVM's connections in TIME_WAIT that are counted, not tracked ({@link TimeWaits}): into
     * {@code counts} all of them, then those in it for {@code lingerNanos} or more; returns the longest
     * time one has been in it (0 for none). {@link #liveConnections} does not hold them.
     */
    public long untrackedTimeWaits(long nowNanos, long lingerNanos, long[] counts) {
        return timeWaits.count(nowNanos, lingerNanos, counts);
    }

    public long evictedCount() {
        return live.evictedCount();
    }

    /** How many times {@link #clear} ran: the kernel view's next sample then finds everything anew. */
    long clears() {
        return clears;
    }

    /** The 4-tuple index the kernel reconciler matches rows with. */
    TupleIndex tuples() {
        return tuples;
    }

    /**
     * Forgets every connection: while no recording wants our events the agent tracks nothing, and
     * what it knew would go stale (a close it did not see must not look like a leak later). When a
     * recording starts again, the kernel view rediscovers the connections that are still open.
     */
    public void clear() {
        clears++;
        live.clear();
        tuples.clear();
        assumedTimeWaits.clear();
        timeWaits.clear();
        sockets.clear();
    }

    /** The connection of this socket object, or {@code null} when the agent does not track it. */
    public Connection lookup(Object socket) {
        return sockets.get(socket);
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
        if (!live.makeRoom()) {
            return null;
        }
        Connection c = sockets.newConnection(socket, live.nextId(), kind, role, System.nanoTime());
        if (captureSites) {
            c.site = OpeningSite.ofCaller();
        }
        c.state = initial;
        c.visited = 1 << initial.ordinal();
        Connection raced = sockets.putIfAbsent(c);
        if (raced != null) {
            return raced;
        }
        live.add(c);
        return c;
    }

    /**
     * A connection of this process that only the kernel showed (opened before attach, or natively),
     * already in {@code observed} for {@code stateAgeMillis} by the kernel's count (-1: it does not say).
     */
    Connection discover(Endpoint local, Endpoint remote, TcpState observed, long timerMillis, Role role,
            long stateAgeMillis) {
        return kernel.discover(local, remote, observed, timerMillis, role, stateAgeMillis);
    }

    /** The application is done with this socket object: forget it (its connection may live on in timers). */
    public void untrack(Object socket) {
        sockets.remove(socket);
    }

    public void setEndpoints(Connection c, Endpoint local, Endpoint remote) {
        synchronized (c) {
            if (local != null && local.isKnown()) {
                c.local = local;
            }
            if (remote != null && remote.isKnown()) {
                c.remote = c.role == Role.CLIENT ? Endpoint.shared(remote) : remote;
            }
            transitions.indexForKernel(c);
        }
        endSuperseded();
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
        TcpState after;
        synchronized (c) {
            if (stimulus == Stimulus.READ_EOF) {
                c.endOfStreamRead = true;
            }
            after = transitions.fire(c, stimulus, cause, stimulus.visibility(), trigger, -1);
            if (stimulus == Stimulus.CLOSE || stimulus == Stimulus.GARBAGE_COLLECTED || stimulus == Stimulus.ABORT) {
                if (!c.released) {
                    c.releasedNanos = System.nanoTime();
                }
                c.released = true;
                c.closeInFlight = stimulus != Stimulus.GARBAGE_COLLECTED; // the cleaner's close has no end to wait for
                after = assumptions.afterRelease(c, after);
                transitions.afterTransition(c);
            }
        }
        endSuperseded();
        return after;
    }

    /**
     * Ends, now, the released connections whose 4-tuple a newer connection has just taken (the kernel
     * let a new SYN end their TIME_WAIT): on the thread that indexed the newer one, once it holds no
     * connection's monitor, and by each kernel sample as it begins (what no such thread ended yet). Left
     * for the next sample only, at thousands of connections a second through reused ports they were tens
     * of thousands of objects that lived through young collections.
     */
    void endSuperseded() {
        for (Connection old = tuples.pollSuperseded(); old != null; old = tuples.pollSuperseded()) {
            kernel.superseded(old);
        }
    }

    /** A connect returned still pending: see {@link Transitions#connectPending}. */
    public void connectPending(Connection c, String trigger) {
        synchronized (c) {
            transitions.connectPending(c, trigger);
        }
    }

    /**
     * A state the kernel showed for this connection; the kernel is the truth, so it is never an
     * anomaly. {@code trigger} null names the segment that explains the change, when one does.
     */
    public void observeKernelState(Connection c, TcpState observed, long timerMillis, String trigger) {
        kernel.observe(c, observed, timerMillis, trigger, KernelObservations.NO_SAMPLE);
    }

    /** The kernel no longer lists this connection, which it did before the sample begun at {@code sampleStartNanos}. */
    void observeVanished(Connection c, long sampleStartNanos) {
        kernel.vanished(c, sampleStartNanos);
    }

    /**
     * As above, for a row of a sample that began at {@code sampleStartNanos}: a row read before the
     * application's last call on the connection is older than what the API showed, and is ignored.
     */
    public void observeKernelState(Connection c, TcpState observed, long timerMillis, String trigger,
            long sampleStartNanos) {
        kernel.observe(c, observed, timerMillis, trigger, sampleStartNanos);
    }

    /** Whether a library call would be recorded now (see {@link EventSink#wantsLibraryCalls}). */
    public boolean wantsLibraryCalls() {
        return transitions.sink().wantsLibraryCalls();
    }

    /** The application entered a networking library, which may open connections on its own threads. */
    public void libraryCall(Library library, String entry, String host, int port) {
        try {
            transitions.sink().libraryCall(library, entry, host, port);
        } catch (Throwable ignored) {
            // the sink counts its own failures
        }
    }

    /** The application's call that changed this connection has returned (see SocketBridge.closeReturned). */
    public void settled(Connection c) {
        synchronized (c) {
            c.settledNanos = System.nanoTime();
            c.closeReturned |= c.closeInFlight;
            c.closeInFlight = false;
        }
    }

    /**
     * Housekeeping, called periodically from the agent's own thread: sockets collected without close,
     * and the end of assumed TIME_WAIT periods.
     */
    public void expire(long nowNanos) {
        collectUnreachable();
        assumptions.expire(nowNanos);
    }

    /**
     * Sockets the application dropped without closing them: reported as collected. Also called before
     * each kernel sample, so that a socket the JDK's cleaner has just closed is reported as leaked
     * before the kernel shows the FIN that close sent.
     */
    public void collectUnreachable() {
        Connection c;
        while ((c = sockets.pollCollected()) != null) {
            reportLeak(c);
        }
    }

    /**
     * Before a kernel sample's news of {@code c} is taken: a socket the GC found unreachable while the
     * sample was read is reported as collected first. Its reference may not be enqueued yet while the
     * JDK's cleaner has already closed the descriptor, and the sample would show the FIN that close
     * sent as if the connection had been closed.
     */
    void collectIfUnreachable(Connection c) {
        if (SocketTable.collected(c)) {
            reportLeak(c);
        }
    }

    private void reportLeak(Connection c) {
        boolean leaked;
        synchronized (c) {
            leaked = !c.released;
        }
        if (leaked) {
            apply(c, Stimulus.GARBAGE_COLLECTED, "garbage collected without close");
        }
    }
}
