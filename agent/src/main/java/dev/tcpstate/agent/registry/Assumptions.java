package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.util.concurrent.TimeUnit;

/**
 * What the agent assumes while the kernel view is off, recorded as {@link Source#EXPECTED}: after an
 * active close the peer acknowledges our FIN and closes, and TIME_WAIT ends 2MSL after it began.
 */
final class Assumptions {

    /** 2×MSL on Linux: how long an active closer holds TIME_WAIT. */
    static final long TIME_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Transitions transitions;
    private final AssumedTimeWaits timeWaits;

    Assumptions(Transitions transitions, AssumedTimeWaits timeWaits) {
        this.transitions = transitions;
        this.timeWaits = timeWaits;
    }

    /**
     * The state after the application released a socket that is now {@code after}: what Java can no
     * longer see is assumed. Holding c's monitor.
     */
    TcpState afterRelease(Connection c, TcpState after) {
        if (!transitions.kernelViewActive() && (after == TcpState.FIN_WAIT_1 || after == TcpState.FIN_WAIT_2)) {
            return transitions.fire(c, Stimulus.ASSUMED_PEER_CLOSED, null, Source.EXPECTED,
                    "assumed: the peer acknowledges our FIN and closes", -1);
        }
        return after;
    }

    /** Ends the assumed TIME_WAIT periods that are over at {@code nowNanos}. */
    void expire(long nowNanos) {
        Connection head;
        while ((head = timeWaits.first()) != null) {
            synchronized (head) {
                if (head.state == TcpState.TIME_WAIT && head.stateSinceNanos + TIME_WAIT_NANOS - nowNanos > 0) {
                    return;
                }
                timeWaits.removeFirst();
                if (head.state == TcpState.TIME_WAIT && head.stateSource != Source.KERNEL) {
                    transitions.fire(head, Stimulus.ASSUMED_2MSL_ELAPSED, null, Source.EXPECTED,
                            "assumed: 2MSL elapsed", -1);
                }
            }
        }
    }
}
