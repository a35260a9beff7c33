package dev.tcpstate.agent.state;

import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * Applies one stimulus to one state. Pure: no I/O, no allocation on the paths that matter, never
 * throws. The registry owns the current state of each connection and asks this class what happens.
 */
public final class StateMachine {

    /** What a stimulus does to a state. */
    public enum Effect { TRANSITION, IGNORED, ANOMALY }

    private StateMachine() {
    }

    /** The state after {@code stimulus}; the same state when it is ignored or an anomaly. */
    public static TcpState next(TcpState current, Stimulus stimulus) {
        TransitionTable.Row r = TransitionTable.lookup(current, stimulus);
        return r == null ? current : r.to();
    }

    public static Effect effect(TcpState current, Stimulus stimulus) {
        TransitionTable.Row r = TransitionTable.lookup(current, stimulus);
        if (r == null) {
            return Effect.ANOMALY;
        }
        return r.ignored() ? Effect.IGNORED : Effect.TRANSITION;
    }
}
