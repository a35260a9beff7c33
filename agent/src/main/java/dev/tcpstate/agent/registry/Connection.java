package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * What the agent knows of one connection (or listener). Mutable, guarded by its own monitor: the
 * registry changes it only inside {@code synchronized (connection)}, so one connection's events
 * are committed in the order its transitions happened.
 *
 * <p>It is also the {@link SocketTable}'s weak key of its socket object (none for a connection only
 * the kernel showed): one object per connection fewer than a separate weak key, 24 of the 40 bytes
 * that key took. Its {@link #hashCode} is its socket's identity hash, and it equals only itself, or
 * another connection or a lookup of the same socket while the GC has not cleared that socket: at
 * any time one connection at most is tracked per socket object, so a set of connections holds each.
 */
public final class Connection extends WeakReference<Object> {

    /**
     * How long a connection stays in a lingering state before it counts as lingering: re-stated by
     * {@code tcpstate.LingeringConnection}, counted by the MBeans' {@code Lingering}.
     */
    public static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    final long id;
    final SocketKind kind;
    final long firstSeenNanos;
    Role role;
    TcpState state = TcpState.CLOSED;
    Source stateSource = Source.API;
    long stateSinceNanos;
    Endpoint local = Endpoint.UNKNOWN;
    Endpoint remote = Endpoint.UNKNOWN;
    /** The application closed it (or it was collected): no more API stimuli will come. */
    boolean released;
    /** When it was released: the oldest released go first when the registry is full. */
    long releasedNanos;
    /** Found in the kernel's table, not seen opening through the Java API. */
    boolean discovered;
    /** Discovered with the kernel's count of its time in that state, which {@code stateSinceNanos} includes. */
    boolean agedByKernel;
    /** The kernel has listed this connection at least once. */
    boolean kernelSeen;
    /**
     * The kernel sample that last listed it. An int, not a long: the fields then fit 120 bytes, not 128
     * (a sample a second wraps it after 68 years; only equality with the current sample is asked).
     */
    int kernelGeneration;
    /** When the application's last call on it returned (a close is decided at its start). */
    long settledNanos;
    /** The application's close has been decided and has not returned: the kernel may not have seen it yet. */
    boolean closeInFlight;
    /** The application's close has returned: the kernel has this socket in a closing state, or none. */
    boolean closeReturned;
    /** Every state it has been in, one bit per {@code TcpState} ordinal. */
    int visited;
    /** The application read the end of its input stream. */
    boolean endOfStreamRead;
    /**
     * A connect has begun and its CLOSED to SYN_SENT is not yet recorded: the connect's own return
     * records it together with its outcome ({@link Transitions#fire}), or alone when it returns pending.
     */
    boolean connectUnrecorded;
    /**
     * Tracked by its socket object in the {@link SocketTable}: this reference to the socket is then
     * cleared by the GC once the socket is unreachable, which can be before it is enqueued.
     */
    boolean tracked;
    private final int hash;
    /** The code that opened it, for the live view; shared by the connections of one site. */
    OpeningSite site = OpeningSite.NOT_CAPTURED;

    /** A connection of no socket object of this JVM's (one the kernel showed, or a test's). */
    Connection(long id, SocketKind kind, Role role, long nowNanos) {
        this(id, kind, role, nowNanos, null, null);
    }

    /** A connection weakly keyed to {@code socket}, enqueued on {@code collected} once the GC found it unreachable. */
    Connection(long id, SocketKind kind, Role role, long nowNanos, Object socket, ReferenceQueue<Object> collected) {
        super(socket, collected);
        this.hash = socket == null ? System.identityHashCode(this) : System.identityHashCode(socket);
        this.id = id;
        this.kind = kind;
        this.role = role;
        this.firstSeenNanos = nowNanos;
        this.stateSinceNanos = nowNanos;
    }

    /** The states where a connection left for a while is stuck or held by timers. */
    public static boolean isLingering(TcpState s) {
        return switch (s) {
            case SYN_SENT, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT -> true;
            default -> false;
        };
    }

    public long id() {
        return id;
    }

    public SocketKind kind() {
        return kind;
    }

    public synchronized Role role() {
        return role;
    }

    public synchronized TcpState state() {
        return state;
    }

    public synchronized Source stateSource() {
        return stateSource;
    }

    public synchronized long stateSinceNanos() {
        return stateSinceNanos;
    }

    public long firstSeenNanos() {
        return firstSeenNanos;
    }

    public synchronized boolean endOfStreamRead() {
        return endOfStreamRead;
    }

    /**
     * Its time in the current state is a lower bound: found in the kernel's table and in that state
     * ever since, it was in it before the agent saw it, and the kernel did not say for how long.
     */
    public synchronized boolean inStateSinceFirstSeen() {
        return discovered && Integer.bitCount(visited) == 1 && !agedByKernel;
    }

    public synchronized OpeningSite site() {
        return site;
    }

    public synchronized Endpoint local() {
        return local;
    }

    public synchronized Endpoint remote() {
        return remote;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Itself, or the same socket object while the GC has not cleared it (see the class comment). */
    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (other instanceof Connection) {
            Object mine = get();
            return mine != null && ((Connection) other).refersTo(mine);
        }
        return other instanceof SocketTable.Lookup && ((SocketTable.Lookup) other).equals(this);
    }

    @Override
    public synchronized String toString() {
        return "#" + id + " " + kind + " " + role + " " + local + " -> " + remote + " " + state;
    }
}
