package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.state.StateMachine;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * One connection's state changes: what the {@link StateMachine} makes of a stimulus, the event that
 * says so, and the live set and the 4-tuple index kept in step. Each method that takes a connection is
 * called holding its monitor, so one connection's events are committed in the order its transitions
 * happened.
 */
final class Transitions {
    private final LiveConnections live;
    private final TupleIndex tuples;
    private final AssumedTimeWaits assumedTimeWaits;
    private final TimeWaits timeWaits;
    private volatile EventSink sink;
    private volatile boolean kernelViewActive;

    Transitions(EventSink sink, LiveConnections live, TupleIndex tuples, AssumedTimeWaits assumedTimeWaits,
            TimeWaits timeWaits) {
        this.sink = sink;
        this.live = live;
        this.tuples = tuples;
        this.assumedTimeWaits = assumedTimeWaits;
        this.timeWaits = timeWaits;
    }

    EventSink sink() {
        return sink;
    }

    void setSink(EventSink sink) {
        this.sink = sink;
    }

    /** While the kernel view runs, nothing is assumed: the kernel reports what really happens. */
    void setKernelViewActive(boolean active) {
        this.kernelViewActive = active;
    }

    boolean kernelViewActive() {
        return kernelViewActive;
    }

    TcpState fire(Connection c, Stimulus stimulus, AbortCause cause, Source source, String trigger,
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
                if (stimulus == Stimulus.CONNECT) {
                    // Recorded when the connect returns: a blocking connect's one event then says both
                    // that it began (startTime - previousStateDuration) and how it ended.
                    c.connectUnrecorded = true;
                } else {
                    c.connectUnrecorded = false;
                    emit(c, from, to, stimulus, cause, source, trigger, now - c.stateSinceNanos, timerMillis);
                }
                c.state = to;
                c.visited |= 1 << to.ordinal();
                c.stateSource = source;
                c.stateSinceNanos = now;
                if (to == TcpState.TIME_WAIT && !kernelViewActive) {
                    assumedTimeWaits.add(c);
                }
                afterTransition(c);
                return to;
        }
    }

    void emit(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause cause, Source source,
            String trigger,
            long previousNanos, long timerMillis) {
        try {
            sink.stateChange(c, from, to, stimulus, cause, source, trigger, previousNanos, timerMillis);
        } catch (Throwable ignored) {
            // the sink counts its own failures; the registry's state stays right regardless
        }
    }

    /**
     * A connect returned without an outcome (non-blocking, or submitted to io_uring): its CLOSED to
     * SYN_SENT is recorded now, on the connecting thread, with the connect's stack; the outcome comes later.
     */
    void connectPending(Connection c, String trigger) {
        if (c.connectUnrecorded && c.state == TcpState.SYN_SENT) {
            c.connectUnrecorded = false;
            emit(c, TcpState.CLOSED, TcpState.SYN_SENT, Stimulus.CONNECT, null, Source.API, trigger,
                    c.stateSinceNanos - c.firstSeenNanos, -1);
        }
    }

    /** The event of a connection found in the kernel's table, already {@code stateAgeMillis} in {@code to}. */
    void emitDiscovery(Connection c, TcpState to, Stimulus stimulus, String trigger, long timerMillis,
            long stateAgeMillis, AgeBasis basis) {
        try {
            sink.discovered(c, to, stimulus, trigger, timerMillis, stateAgeMillis, basis);
        } catch (Throwable ignored) {
            // the sink counts its own failures; the registry's state stays right regardless
        }
    }

    /** Ends what the registry holds for a connection that reached its end. */
    void afterTransition(Connection c) {
        boolean finished = c.state == TcpState.CLOSED
                || (!kernelViewActive && c.released && c.state == TcpState.LAST_ACK);
        if (finished) {
            live.remove(c);
            tuples.remove(c);
        } else {
            indexForKernel(c);
        }
    }

    /**
     * The kernel showed a connection the application released in TIME_WAIT, with {@code timerMillis}
     * left on its timer: it ends by itself, so it is counted ({@link TimeWaits}) and no longer held.
     */
    void timeWaitConfirmed(Connection c, long timerMillis) {
        if (kernelViewActive && c.released && c.state == TcpState.TIME_WAIT) {
            live.remove(c);
            tuples.remove(c);
            timeWaits.add(c.stateSinceNanos, System.nanoTime(), timerMillis);
        }
    }

    /** Once its 4-tuple is known, a connection can be matched to kernel rows. */
    void indexForKernel(Connection c) {
        if (kernelViewActive) {
            Connection replaced = tuples.index(c);
            if (replaced != null) {
                live.remove(replaced);
            }
        }
    }
}
