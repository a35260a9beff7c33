package dev.tcpstate.analyzer.findings;

import java.time.Duration;
import java.util.List;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

/**
 * {@code FIN_WAIT_2_LINGER}: this JVM sent its FIN and the peer never sent its own. A half-closed
 * socket the application still holds waits in FIN_WAIT_2 for as long as the peer likes. Without
 * the kernel view Java cannot tell FIN_WAIT_1 from FIN_WAIT_2, so a long API-inferred FIN_WAIT_1
 * counts too, and the finding says it was not confirmed.
 */
public final class FinWait2Linger extends StateLinger {
    public static final FindingType TYPE = new FindingType("FIN_WAIT_2_LINGER", "fin-wait-2",
            "tcpstate.FinWait2Linger", "Connections waiting in FIN_WAIT_2 for the peer",
            "connections this JVM closed (or half-closed) whose peer never closed its side");

    public static final Preference<Duration> THRESHOLD = Preference.duration("fin-wait-2-threshold",
            "FIN_WAIT_2 threshold",
            "A connection this JVM closed or half-closed that waits at least this long for the peer's FIN"
                    + " (FIN_WAIT_2, or FIN_WAIT_1 when the kernel view is off) is reported.",
            Duration.ofSeconds(10));

    public static final Measure.Kind LONGEST = new Measure.Kind("longestNanos",
            "longest wait for the peer's FIN", Measure.Unit.NANOSECONDS);
    public static final Measure.Kind KERNEL_CONFIRMED = new Measure.Kind("kernelConfirmed",
            "seen in FIN_WAIT_2 by the kernel", Measure.Unit.COUNT);

    public FinWait2Linger() {
        super(TYPE, THRESHOLD, "closed", List.of(LONGEST, KERNEL_CONFIRMED));
    }

    @Override
    boolean lingers(Span s) {
        return s.state() == TcpState.FIN_WAIT_2
                || s.state() == TcpState.FIN_WAIT_1 && s.source() == Source.API && !s.kernelSeen();
    }

    @Override
    StateChange responsible(Connection c) {
        return c.activeClose() != null ? c.activeClose() : c.closed();
    }

    @Override
    boolean confirmed(AffectedConnection a) {
        return a.state() == TcpState.FIN_WAIT_2 && a.kernelConfirmed();
    }

    @Override
    String stayed() {
        return "waited for the peer's FIN";
    }

    @Override
    String details(Stays s) {
        return s.stillOpen() + " still waiting at the end; "
                + s.confirmation("FIN_WAIT_2 confirmed by the kernel", "inferred, not kernel-confirmed");
    }

    @Override
    String explanation(Stays s) {
        return "This JVM sent its FIN (close or shutdownOutput) and the peer acknowledged it but has not"
                + " closed its side. A socket the application still holds stays in FIN_WAIT_2 indefinitely;"
                + " an orphaned one for tcp_fin_timeout (60 s).";
    }

    @Override
    String advice(Stays s) {
        return "Check that the peer closes when it reads end of stream; after shutdownOutput, read with"
                + " a timeout and close the socket when the peer does not answer.";
    }

    @Override
    List<Measure> measures(Stays s) {
        return List.of(LONGEST.of(s.longest()), KERNEL_CONFIRMED.of(s.confirmed()));
    }
}
