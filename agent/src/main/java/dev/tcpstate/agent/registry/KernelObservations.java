package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelTable;
import dev.tcpstate.agent.state.ClosePolicy;
import dev.tcpstate.agent.state.TransitionTable;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel showed, joined to the connections: its state for a known connection (the truth,
 * so never an anomaly), and the connections of this process only the kernel showed.
 */
final class KernelObservations {
    /** How long a close that has not returned keeps the kernel's rows of its connection from being taken as news. */
    static final long CLOSE_IN_FLIGHT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The trigger of a connection the kernel no longer lists. Between two samples a row can go by
     * several segments (a close and its ACK on loopback take microseconds): the one segment that would
     * explain the change in one step (an RST, from ESTABLISHED) is then a guess, and not written as fact.
     */
    static final String VANISHED = "kernel: no longer listed (ended between two samples)";

    /**
     * The trigger of a released connection whose 4-tuple a newer connection took: a 4-tuple is one row
     * in the kernel, so this one had ended (typically its TIME_WAIT, ended early by the new SYN, as Linux
     * does when the SYN's sequence number or timestamp is newer: RFC 9293 3.10.7.4, RFC 6191).
     */
    static final String SUPERSEDED = "kernel: 4-tuple taken by a newer connection";

    /** How a kernel observation came: a row of a sample, a row gone from one, a row now a newer connection's. */
    private enum Seen { ROW, VANISHED, SUPERSEDED }

    /**
     * The trigger of a connection we recorded as closing first (FIN_WAIT_1, from the API, never
     * confirmed by the kernel) whose row is gone within 2×MSL of the close without ever showing
     * TIME_WAIT: an active close that ends normally holds TIME_WAIT that long, so our close was not
     * one; which of the two it was, the table cannot tell.
     */
    static final String VANISHED_WITHOUT_TIME_WAIT = "kernel: no longer listed, never in TIME_WAIT: not the active"
            + " close recorded (the peer's FIN had come first, a passive close, or an RST ended it)";

    /** The trigger of LAST_ACK seen after a close we recorded as FIN_WAIT_1: only a passive closer passes LAST_ACK. */
    static final String PASSIVE_AFTER_ALL = "kernel: observed LAST_ACK: the peer's FIN had come before our close"
            + " (a passive close)";

    /** The trigger of the peer's FIN found by asking the kernel as the application's close began. */
    static final String FIN_AT_CLOSE = "kernel: rcv FIN (asked as the close began)";

    /** {@code sampleStartNanos} of an observation that is not a row of a sample. */
    static final long NO_SAMPLE = Long.MIN_VALUE;
    /** How long the kernel view leaves a connection whose connect has not returned to that return. */
    static final long UNRECORDED_CONNECT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Transitions transitions;
    private final LiveConnections live;
    private final TupleIndex tuples;

    KernelObservations(Transitions transitions, LiveConnections live, TupleIndex tuples) {
        this.transitions = transitions;
        this.live = live;
        this.tuples = tuples;
    }

    /**
     * A connection of this process that only the kernel showed (opened before attach, or natively),
     * recorded at once in the state the kernel shows. Its time in that state so far is the kernel's
     * count when it gives one ({@code stateAgeMillis} &ge; 0), else it counts from now, a lower bound.
     * Null when the registry is full, or when the application's connection took the 4-tuple meanwhile.
     */
    Connection discover(Endpoint local, Endpoint remote, TcpState observed, long timerMillis, Role role,
            long stateAgeMillis) {
        if (!live.hasRoom()) {
            return null;
        }
        long now = System.nanoTime();
        Connection c = new Connection(live.nextId(), SocketKind.KERNEL, role, now);
        c.site = OpeningSite.BEFORE_AGENT;
        synchronized (c) {
            c.local = local;
            c.remote = remote;
            c.discovered = true;
            c.kernelSeen = true;
            if (!tuples.putIfAbsent(c)) {
                return null;
            }
            live.add(c);
            AgeBasis basis = stateAgeMillis >= 0 ? AgeBasis.KERNEL_LAST_ACK_RECEIVED : AgeBasis.FIRST_SAMPLE;
            c.agedByKernel = basis == AgeBasis.KERNEL_LAST_ACK_RECEIVED;
            long ageMillis = Math.max(0, stateAgeMillis);
            transitions.emitDiscovery(c, observed, TransitionTable.explainKernelChange(TcpState.CLOSED, observed),
                    "kernel: discovered in state " + observed, timerMillis, ageMillis, basis);
            c.state = observed;
            c.visited |= 1 << observed.ordinal();
            c.stateSource = Source.KERNEL;
            c.stateSinceNanos = now - TimeUnit.MILLISECONDS.toNanos(ageMillis);
            transitions.afterTransition(c);
        }
        return c;
    }

    /**
     * A state the kernel showed for this connection, in a row of a sample that began at
     * {@code sampleStartNanos} (or {@link #NO_SAMPLE}): a row read before the application's last call
     * on the connection is older than what the API showed, and is ignored. {@code trigger} null names
     * the segment that explains the change, when one does.
     */
    void observe(Connection c, TcpState observed, long timerMillis, String trigger, long sampleStartNanos) {
        observe(c, observed, timerMillis, trigger, sampleStartNanos, Seen.ROW);
    }

    /**
     * A close is about to run: when it may be a passive one Java cannot tell
     * ({@link ClosePolicy#mayBePassive}), asks {@code table} for the kernel's state of this one socket;
     * CLOSE_WAIT (the peer's FIN has arrived) is recorded, so that the close goes on from there. The
     * query runs outside the connection's monitor (it is a system call); any failure leaves the
     * connection as it was.
     */
    void beforeClose(Connection c, KernelTable table) {
        try {
            Endpoint local;
            Endpoint remote;
            synchronized (c) {
                if (!ClosePolicy.mayBePassive(c.state, c.endOfStreamRead)) {
                    return;
                }
                local = c.local;
                remote = c.remote;
            }
            if (local == null || remote == null || !local.isSpecific() || !remote.isSpecific()) {
                return;
            }
            int code = table.linuxStateNow(local.hi(), local.lo(), local.port(), remote.hi(), remote.lo(),
                    remote.port());
            if (code > 0 && TcpState.fromLinuxCode(code) == TcpState.CLOSE_WAIT) {
                synchronized (c) {
                    if (c.state == TcpState.ESTABLISHED) {
                        observe(c, TcpState.CLOSE_WAIT, -1, FIN_AT_CLOSE, NO_SAMPLE);
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // the question failed (seen: a class the boot class path could not find): the close is
            // still recorded, as Java saw it
        }
    }

    /** A connection that existed before the sample begun at {@code sampleStartNanos} is not in it: it ended. */
    void vanished(Connection c, long sampleStartNanos) {
        observe(c, TcpState.CLOSED, -1, null, sampleStartNanos, Seen.VANISHED);
    }

    /**
     * A released connection whose 4-tuple a newer connection took has ended; which segment ended it
     * (the new SYN, a timer, an ACK) no row says, so no stimulus is written.
     */
    void superseded(Connection c) {
        observe(c, TcpState.CLOSED, -1, SUPERSEDED, NO_SAMPLE, Seen.SUPERSEDED);
    }

    private void observe(Connection c, TcpState observed, long timerMillis, String trigger, long sampleStartNanos,
            Seen seen) {
        synchronized (c) {
            if (sampleStartNanos != NO_SAMPLE && c.connectUnrecorded
                    && sampleStartNanos - c.stateSinceNanos < UNRECORDED_CONNECT_NANOS) {
                // A blocking connect is under way: its return records how it began and ended, with the
                // connect's stack; a sample that read the handshake's end in the microseconds before the
                // return would take that from it. A return the agent missed is no longer waited for.
                return;
            }
            if (sampleStartNanos != NO_SAMPLE && c.closeInFlight && observed != TcpState.CLOSED
                    && sampleStartNanos - c.releasedNanos < CLOSE_IN_FLIGHT_NANOS) {
                // The application's close has begun and not returned: whatever this sample read of the
                // row may predate it (seen: a peer's FIN read as CLOSE_WAIT after our close began). The
                // first sample after the close returns says where the connection is; a close that has
                // not returned in a second (SO_LINGER's wait, or an end the agent missed) no longer hides it.
                // A row gone is news at any time: only the kernel's close removes it.
                return;
            }
            if (sampleStartNanos != NO_SAMPLE && c.closeReturned && !closingOrGone(observed)) {
                // Once the application's close has returned, the kernel holds this socket in a closing
                // state or not at all. A row of its 4-tuple that is open (ESTABLISHED, CLOSE_WAIT) is a
                // newer connection on the reused tuple, which the kernel accepted before the
                // application's accept returned and showed it (seen: an accepted connection that went
                // FIN_WAIT_1 to CLOSE_WAIT, ConcurrentConnectionsIT on JDK 25).
                return;
            }
            if (sampleStartNanos != NO_SAMPLE && c.stateSource != Source.KERNEL
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
            c.kernelSeen = true;
            TcpState from = c.state;
            if (from == observed) {
                c.stateSource = Source.KERNEL;
                if (observed == TcpState.TIME_WAIT) {
                    transitions.timeWaitConfirmed(c, timerMillis);
                }
                return;
            }
            Stimulus explained = switch (seen) {
                case ROW -> TransitionTable.explainKernelChange(from, observed);
                case VANISHED -> vanishing(from);
                case SUPERSEDED -> null;
            };
            long now = System.nanoTime();
            if (trigger == null) {
                trigger = explained != null ? "kernel: " + explained.description()
                        : unexplained(c, observed, seen == Seen.VANISHED, now);
            }
            transitions.emit(c, from, observed, explained, null, Source.KERNEL, trigger, now - c.stateSinceNanos,
                    timerMillis);
            c.state = observed;
            c.visited |= 1 << observed.ordinal();
            c.stateSource = Source.KERNEL;
            c.stateSinceNanos = now;
            transitions.afterTransition(c);
            if (observed == TcpState.TIME_WAIT) {
                transitions.timeWaitConfirmed(c, timerMillis);
            }
        }
    }

    /**
     * The trigger of a change no one segment explains. After a close Java took for the first
     * (FIN_WAIT_1 from the API), LAST_ACK says it was the second; a row gone without TIME_WAIT says it
     * was not the first, but not what it was.
     */
    private static String unexplained(Connection c, TcpState observed, boolean vanished, long now) {
        if (c.state == TcpState.FIN_WAIT_1 && c.stateSource == Source.API) {
            if (observed == TcpState.LAST_ACK) {
                return PASSIVE_AFTER_ALL;
            }
            if (vanished && c.released && now - c.releasedNanos < Assumptions.TIME_WAIT_NANOS) {
                return VANISHED_WITHOUT_TIME_WAIT;
            }
        }
        return vanished ? VANISHED : "kernel: observed " + observed;
    }

    /** The states of a socket after its own side's close: the ones a closed socket's row can show. */
    private static boolean closingOrGone(TcpState state) {
        return switch (state) {
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, LAST_ACK, CLOSED -> true;
            default -> false;
        };
    }

    private static boolean wasIn(Connection c, TcpState state) {
        return state != TcpState.CLOSED && state != c.state && (c.visited & (1 << state.ordinal())) != 0;
    }

    /** What a vanished row says for sure: only the timers and the last ACK end a connection in one step. */
    private static Stimulus vanishing(TcpState from) {
        return from == TcpState.TIME_WAIT || from == TcpState.LAST_ACK
                ? TransitionTable.explainKernelChange(from, TcpState.CLOSED) : null;
    }
}
