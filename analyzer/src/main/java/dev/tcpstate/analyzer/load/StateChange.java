package dev.tcpstate.analyzer.load;

/**
 * One {@code tcpstate.StateChange} event. {@code jvm} tells apart recordings of different JVM runs
 * (connection ids are unique only within one run); times are nanoseconds since the epoch.
 *
 * @param from {@code null} when the recording names a state this analyzer does not know
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
        String stimulus,
        Endpoint local,
        Endpoint remote,
        String socketKind,
        String role,
        long previousStateNanos,
        long kernelTimerMillis,
        String thread,
        CallStack stack) {
}
