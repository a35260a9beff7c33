package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.TcpState;

import java.util.Map;

/**
 * One {@code tcpstate.StateSummary}: this JVM's connections per state at one moment, and the host's
 * TIME_WAIT count and ephemeral port range where the OS shows them (-1 otherwise).
 */
public record StateSummarySample(
        String jvm,
        long time,
        Map<TcpState, Integer> counts,
        int hostTimeWait,
        int ephemeralPortLow,
        int ephemeralPortHigh) {

    public StateSummarySample {
        counts = Map.copyOf(counts);
    }

    /** Ports available per destination, or -1 when the recording does not say. */
    public int ephemeralPorts() {
        return ephemeralPortLow > 0 && ephemeralPortHigh >= ephemeralPortLow
                ? ephemeralPortHigh - ephemeralPortLow + 1 : -1;
    }
}
