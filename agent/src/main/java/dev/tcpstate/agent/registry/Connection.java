package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;
import java.lang.ref.Reference;

/**
 * What the agent knows of one connection (or listener). Mutable, guarded by its own monitor: the
 * registry changes it only inside {@code synchronized (connection)}, so one connection's events
 * are committed in the order its transitions happened.
 */
public final class Connection {

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
    /** The kernel sample that last listed it. */
    long kernelGeneration;
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
     * The registry's weak reference to its socket object while tracked, else null: cleared by the GC
     * once the socket is unreachable, which can be before the reference is enqueued.
     */
    Reference<?> socket;
    /** The code that opened it, for the live view; shared by the connections of one site. */
    OpeningSite site = OpeningSite.NOT_CAPTURED;

    Connection(long id, SocketKind kind, Role role, long nowNanos) {
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
    public synchronized String toString() {
        return "#" + id + " " + kind + " " + role + " " + local + " -> " + remote + " " + state;
    }
}
