package dev.tcpstate.analyzer.findings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.tcpstate.analyzer.load.Source;
import dev.tcpstate.analyzer.load.TcpState;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;

/**
 * {@code FIN_WAIT_2_LINGER}: this JVM sent its FIN and the peer never sent its own. A half-closed
 * socket the application still holds waits in FIN_WAIT_2 for as long as the peer likes. Without
 * the kernel view Java cannot tell FIN_WAIT_1 from FIN_WAIT_2, so a long API-inferred FIN_WAIT_1
 * counts too, and the finding says it was not confirmed.
 */
public final class FinWait2Linger extends AbstractFindingRule {
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
        super(TYPE, List.of(THRESHOLD));
    }

    @Override
    public List<Finding> find(Timeline timeline, Thresholds thresholds) {
        long threshold = thresholds.get(THRESHOLD).toNanos();
        Groups<AffectedConnection> groups = new Groups<>();
        for (Connection c : timeline.connections()) {
            c.spans().stream()
                    .filter(s -> s.state() == TcpState.FIN_WAIT_2
                            || s.state() == TcpState.FIN_WAIT_1 && s.source() == Source.API && !s.kernelSeen())
                    .filter(s -> s.nanos() >= threshold)
                    .max(Comparator.comparingLong(Span::nanos))
                    .ifPresent(s -> groups.add(CodeSite.of(c.activeClose() != null ? c.activeClose() : c.closed()),
                            c.peer(), AffectedConnection.of(c, s)));
        }
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<AffectedConnection> g : groups.all()) {
            List<AffectedConnection> m = g.members;
            int n = m.size();
            long longest = m.stream().mapToLong(AffectedConnection::nanos).max().orElse(0);
            int kernel = (int) m.stream().filter(a -> a.state() == TcpState.FIN_WAIT_2 && a.kernelConfirmed()).count();
            int open = (int) m.stream().filter(AffectedConnection::stillOpen).count();
            String summary = Groups.plural(n, "connection", "connections") + " to " + g.peer
                    + " waited for the peer's FIN " + (n == 1 ? "for " : "for up to ") + Durations.format(longest)
                    + " (" + open + " still waiting at the end; "
                    + (kernel == n ? "FIN_WAIT_2 confirmed by the kernel" : kernel == 0
                            ? "inferred, not kernel-confirmed" : kernel + " confirmed by the kernel")
                    + "), closed at " + g.site.label();
            String explanation = "This JVM sent its FIN (close or shutdownOutput) and the peer acknowledged it but has not"
                    + " closed its side. A socket the application still holds stays in FIN_WAIT_2 indefinitely;"
                    + " an orphaned one for tcp_fin_timeout (60 s). Threshold: " + thresholds.display(THRESHOLD) + ".";
            String advice = "Check that the peer closes when it reads end of stream; after shutdownOutput, read with"
                    + " a timeout and close the socket when the peer does not answer.";
            findings.add(new Finding(type(), Severity.WARNING, summary, g.peer, "closed", g.site, n, m,
                    List.of(LONGEST.of(longest), KERNEL_CONFIRMED.of(kernel)), explanation, advice));
        }
        return findings;
    }
}
