package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.state.Stimulus;
import dev.tcpstate.agent.state.TcpState;
import dev.tcpstate.agent.state.Visibility;

/**
 * Where the registry's decisions go: the JFR events in production. Implementations must not throw
 * into the registry; the registry guards anyway.
 */
public interface EventSink {

    void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, Visibility source, String trigger,
            long previousStateNanos, long kernelTimerMillis);

    void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger);

    EventSink NONE = new EventSink() {
        @Override
        public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, Visibility source,
                String trigger, long previousStateNanos, long kernelTimerMillis) {
        }

        @Override
        public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
        }
    };
}
