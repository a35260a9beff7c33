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
 * {@code CLOSE_WAIT_LINGER}: the peer closed, and this application kept the connection open. It is
 * always the application's bug when it lasts; the kernel cannot end it until {@code close()}.
 */
public final class CloseWaitLinger extends AbstractFindingRule {
    public static final FindingType TYPE = new FindingType("CLOSE_WAIT_LINGER", "close-wait",
            "tcpstate.CloseWaitLinger", "Connections lingering in CLOSE_WAIT",
            "connections held in CLOSE_WAIT: the peer closed, this application did not");

    public static final Preference<Duration> THRESHOLD = Preference.duration("close-wait-threshold",
            "CLOSE_WAIT threshold",
            "A connection held in CLOSE_WAIT at least this long (still open at the end of the recording, or closed"
                    + " late) is reported: the peer has closed it and this application has not.",
            Duration.ofSeconds(5));

    public static final Measure.Kind LONGEST = new Measure.Kind("longestNanos",
            "longest time in CLOSE_WAIT", Measure.Unit.NANOSECONDS);
    public static final Measure.Kind STILL_OPEN = new Measure.Kind("stillOpen",
            "still in CLOSE_WAIT at the end of the recording", Measure.Unit.COUNT);
    public static final Measure.Kind KERNEL_CONFIRMED = new Measure.Kind("kernelConfirmed",
            "seen in CLOSE_WAIT by the kernel", Measure.Unit.COUNT);

    public CloseWaitLinger() {
        super(TYPE, List.of(THRESHOLD));
    }

    @Override
    public List<Finding> find(Timeline timeline, Thresholds thresholds) {
        long threshold = thresholds.get(THRESHOLD).toNanos();
        Groups<AffectedConnection> groups = new Groups<>();
        for (Connection c : timeline.connections()) {
            c.spansIn(TcpState.CLOSE_WAIT).stream()
                    .filter(s -> s.nanos() >= threshold)
                    .max(Comparator.comparingLong(Span::nanos))
                    .ifPresent(s -> groups.add(CodeSite.of(c.opened()), c.peer(), AffectedConnection.of(c, s)));
        }
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<AffectedConnection> g : groups.all()) {
            findings.add(finding(g, thresholds));
        }
        return findings;
    }

    private Finding finding(Groups.Group<AffectedConnection> g, Thresholds thresholds) {
        List<AffectedConnection> members = g.members;
        long longest = members.stream().mapToLong(AffectedConnection::nanos).max().orElse(0);
        int stillOpen = (int) members.stream().filter(AffectedConnection::stillOpen).count();
        int kernel = (int) members.stream().filter(AffectedConnection::kernelConfirmed).count();
        boolean neverRead = members.stream().anyMatch(m -> m.source() == Source.KERNEL);
        int n = members.size();
        String summary = Groups.plural(n, "connection", "connections") + " to " + g.peer
                + " held in CLOSE_WAIT " + (n == 1 ? "for " : "for up to ") + Durations.format(longest)
                + " (" + (stillOpen == n ? "all still open at the end" : stillOpen == 0 ? "closed late"
                        : stillOpen + " still open at the end") + "; "
                + (kernel == n ? "confirmed by the kernel" : kernel == 0 ? "inferred from read EOF, not kernel-confirmed"
                        : kernel + " confirmed by the kernel") + ")"
                + ", opened at " + g.site.label();
        String explanation = "The peer closed " + (n == 1 ? "this connection" : "these connections")
                + " (its FIN arrived) but the application did not call close(): each holds a file descriptor and"
                + " kernel memory until it does, and the kernel cannot end CLOSE_WAIT by itself. Threshold: "
                + thresholds.display(THRESHOLD) + ".";
        String advice = neverRead
                ? "The application never read from it after the peer closed: typically an idle pooled connection."
                  + " Evict idle connections before the server's idle timeout, validate before reuse, and close"
                  + " connections the pool discards."
                : "read() returned -1 (end of stream) and the connection was not closed: close it when the"
                  + " peer's end of stream is read, in a finally block or try-with-resources.";
        return new Finding(type(), Severity.WARNING, summary, g.peer, "opened", g.site, n, members,
                List.of(LONGEST.of(longest), STILL_OPEN.of(stillOpen), KERNEL_CONFIRMED.of(kernel)),
                explanation, advice);
    }
}
