package dev.tcpstate.analyzer.findings;

import dev.tcpstate.analyzer.load.Endpoint;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

/**
 * One connection a finding covers, and the span of it the finding is about.
 *
 * @param nanos how long it was in {@code state} (to the end of the recording when {@code stillOpen})
 * @param stillOpen still in {@code state} when the recording ended
 * @param kernelConfirmed the kernel's table showed it in {@code state}
 * @param begunBefore for a connection discovered in {@code state} (before the agent saw it): how {@code start}
 *     is known; {@code null} when the recording shows it entering {@code state}
 */
public record AffectedConnection(
        long connectionId,
        String jvm,
        Endpoint local,
        Endpoint remote,
        TcpState state,
        long start,
        long nanos,
        boolean stillOpen,
        boolean kernelConfirmed,
        Source source,
        AgeBasis begunBefore) {

    /** A connection the recording saw enter {@code state}. */
    public AffectedConnection(long connectionId, String jvm, Endpoint local, Endpoint remote, TcpState state,
            long start, long nanos, boolean stillOpen, boolean kernelConfirmed, Source source) {
        this(connectionId, jvm, local, remote, state, start, nanos, stillOpen, kernelConfirmed, source, null);
    }

    /** {@code nanos} is a lower bound: the state began before anything counted it. */
    public boolean atLeast() {
        return begunBefore != null && begunBefore.atLeast();
    }

    static AffectedConnection of(Connection c, Span s) {
        return new AffectedConnection(c.key().id(), c.key().jvm(), c.local(), c.remote(), s.state(), s.start(),
                s.nanos(), s.openAtEnd(), s.kernelSeen() || s.source() == Source.KERNEL, s.source(), s.begunBefore());
    }

    /** For findings about an event rather than a stay in a state (a reset, a garbage collection). */
    static AffectedConnection at(Connection c, TcpState state, long time, Source source) {
        return new AffectedConnection(c.key().id(), c.key().jvm(), c.local(), c.remote(), state, time, 0, false,
                source == Source.KERNEL, source);
    }
}
