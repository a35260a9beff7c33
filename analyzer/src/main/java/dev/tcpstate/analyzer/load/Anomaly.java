package dev.tcpstate.analyzer.load;

/** One {@code tcpstate.Anomaly}: a stimulus that had no row for the connection's state. */
public record Anomaly(
        String jvm,
        long time,
        long connectionId,
        String state,
        String stimulus,
        String trigger,
        Endpoint local,
        Endpoint remote,
        String thread,
        CallStack stack) {
}
