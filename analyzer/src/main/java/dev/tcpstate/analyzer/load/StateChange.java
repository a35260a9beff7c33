package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * One {@code tcpstate.StateChange} event. {@code jvm} tells apart recordings of different JVM runs
 * (connection ids are unique only within one run); times are nanoseconds since the epoch.
 *
 * @param from {@code null} when the recording names a state this analyzer does not know
 * @param stimulus {@code null} when the recording names a stimulus this analyzer does not know
 * @param abortCause why an {@code ABORT} sent RST; {@code null} for any other stimulus
 * @param role {@code null} when the recording does not say
 * @param previousStateNanos time spent in {@code from}; 0 when unknown
 * @param kernelTimerMillis the kernel's timer for {@code KERNEL} events in timed states; -1 when none
 * @param stateAgeMillis for a {@link #discovery()}: how long it had already been in {@code to}; -1 when the
 *     recording does not say
 * @param stateAgeBasis how {@code stateAgeMillis} is known; {@code null} when the recording does not say
 */
public record StateChange(
        String jvm,
        long time,
        long connectionId,
        TcpState from,
        TcpState to,
        Source source,
        String trigger,
        Stimulus stimulus,
        AbortCause abortCause,
        Endpoint local,
        Endpoint remote,
        String socketKind,
        Role role,
        long previousStateNanos,
        long kernelTimerMillis,
        long stateAgeMillis,
        AgeBasis stateAgeBasis,
        String thread,
        CallStack stack) {

    /** An event of no discovery, or of a recording older than {@code stateAge}. */
    public StateChange(String jvm, long time, long connectionId, TcpState from, TcpState to, Source source,
            String trigger, Stimulus stimulus, AbortCause abortCause, Endpoint local, Endpoint remote,
            String socketKind, Role role, long previousStateNanos, long kernelTimerMillis, String thread,
            CallStack stack) {
        this(jvm, time, connectionId, from, to, source, trigger, stimulus, abortCause, local, remote, socketKind,
                role, previousStateNanos, kernelTimerMillis, -1, null, thread, stack);
    }

    /** The event of a connection the agent found in the kernel's table: it was in {@code to} before this event. */
    public boolean discovery() {
        return from == TcpState.CLOSED && source == Source.KERNEL && SocketKind.KERNEL.recorded().equals(socketKind);
    }

    /**
     * For a {@link #discovery()}: how long before this event its state began, as far as known (0 when the
     * OS gave no age); -1 for any other event.
     */
    public long stateAgeNanosAtDiscovery() {
        return discovery() ? Math.max(0, stateAgeMillis) * 1_000_000L : -1;
    }

    /**
     * For a {@link #discovery()}: how its state's age is known; {@link AgeBasis#FIRST_SAMPLE} (a lower
     * bound) also for a recording of an agent that did not say. {@code null} for any other event.
     */
    public AgeBasis ageBasisAtDiscovery() {
        return !discovery() ? null : stateAgeBasis == null || stateAgeMillis < 0 ? AgeBasis.FIRST_SAMPLE : stateAgeBasis;
    }
}
