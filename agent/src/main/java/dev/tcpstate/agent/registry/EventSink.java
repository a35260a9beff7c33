package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * Where the registry's decisions go: the JFR events in production. Implementations must not throw
 * into the registry; the registry guards anyway.
 */
public interface EventSink {

    /** {@code abortCause} is null unless {@code stimulus} is {@link Stimulus#ABORT}. */
    void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause, Source source,
            String trigger, long previousStateNanos, long kernelTimerMillis);

    /**
     * A connection found in the kernel's table (from CLOSED, source KERNEL), already in {@code to} for
     * {@code stateAgeMillis} as {@code basis} counts it. A sink that does not record ages sees it as
     * any kernel state change.
     */
    default void discovered(Connection c, TcpState to, Stimulus stimulus, String trigger, long kernelTimerMillis,
            long stateAgeMillis, AgeBasis basis) {
        stateChange(c, TcpState.CLOSED, to, stimulus, null, Source.KERNEL, trigger, 0, kernelTimerMillis);
    }

    void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger);

    /** Whether {@link #libraryCall} would record anything: the caller need not work out its fields otherwise. */
    default boolean wantsLibraryCalls() {
        return false;
    }

    /** The application called {@code entry} of {@code library}, for {@code host}:{@code port} (null, 0: unknown). */
    default void libraryCall(Library library, String entry, String host, int port) {
    }

    EventSink NONE = new EventSink() {
        @Override
        public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
                Source source, String trigger, long previousStateNanos, long kernelTimerMillis) {
        }

        @Override
        public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
        }
    };
}
