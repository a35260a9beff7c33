package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

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
        Role role) {
}
