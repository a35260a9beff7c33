package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
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
        String thread,
        CallStack stack) {
}
