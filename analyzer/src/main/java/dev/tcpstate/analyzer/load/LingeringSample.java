package dev.tcpstate.analyzer.load;

/** One {@code tcpstate.LingeringConnection}: the periodic re-statement of a lingering connection. */
public record LingeringSample(
        String jvm,
        long time,
        long connectionId,
        TcpState state,
        Source source,
        long stateNanos,
        long ageNanos,
        Endpoint local,
        Endpoint remote,
        String socketKind,
        String role) {
}
