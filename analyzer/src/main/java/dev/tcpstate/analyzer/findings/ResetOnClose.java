package dev.tcpstate.analyzer.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Stimulus;

/**
 * {@code RESET_ON_CLOSE}: this JVM ended connections with a reset instead of a FIN: with SO_LINGER 0
 * (deliberate, skips TIME_WAIT), or by closing with input still unread, which the kernel answers
 * with RST, discarding data the peer sent and may believe delivered.
 */
public final class ResetOnClose extends AbstractFindingRule {
    public static final FindingType TYPE = new FindingType("RESET_ON_CLOSE", "reset-on-close",
            "tcpstate.ResetOnClose", "Connections reset on close",
            "connections closed with a reset (SO_LINGER 0, or unread input discarded)");


    public static final Measure.Kind UNREAD_DATA = new Measure.Kind("unreadData",
            "reset because input was left unread", Measure.Unit.COUNT);
    public static final Measure.Kind LINGER_ZERO = new Measure.Kind("lingerZero",
            "reset on purpose with SO_LINGER 0", Measure.Unit.COUNT);

    public ResetOnClose() {
        super(TYPE, List.of(), List.of(UNREAD_DATA, LINGER_ZERO));
    }

    /**
     * Deliberate resets (SO_LINGER 0) are information at the lowest; lost input is a warning, the
     * higher the more of the group's resets lost it.
     */
    @Override
    public double score(Finding finding, Thresholds thresholds) {
        double unread = finding.measure(UNREAD_DATA).map(Measure::value).orElse(0.0);
        return finding.severity().score(unread / finding.count());
    }

    static boolean lostUnreadData(StateChange c) {
        return c.abortCause() == AbortCause.UNREAD_INPUT;
    }

    @Override
    public List<Finding> find(Timeline timeline, Thresholds thresholds) {
        Attribution attribution = Attribution.of(thresholds);
        Groups<StateChange> groups = new Groups<>();
        List<Connection> owners = new ArrayList<>();
        for (Connection c : timeline.connections()) {
            c.changes().stream().filter(e -> e.stimulus() == Stimulus.ABORT).findFirst().ifPresent(e -> {
                groups.add(CodeSite.of(timeline, c, e, attribution), c.peer(), e);
                owners.add(c);
            });
        }
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<StateChange> g : groups.all()) {
            int n = g.members.size();
            int unread = (int) g.members.stream().filter(ResetOnClose::lostUnreadData).count();
            List<AffectedConnection> affected = new ArrayList<>();
            for (StateChange e : g.members) {
                Connection c = owners.stream().filter(o -> o.changes().contains(e)).findFirst().orElseThrow();
                affected.add(AffectedConnection.at(c, e.from(), e.time(), e.source()));
            }
            String summary = Groups.plural(n, "connection", "connections") + " to " + g.peer + " reset on close"
                    + (unread > 0 ? " (" + unread + " with unread input discarded)" : " with SO_LINGER 0")
                    + ", closed at " + g.site.label();
            String explanation = unread > 0
                    ? "Closing a socket with input still unread makes the kernel send RST instead of FIN: the unread"
                      + " data is discarded and the peer sees 'connection reset', possibly before it has read"
                      + " what this side sent last."
                    : "SO_LINGER 0 makes close() send RST: no TIME_WAIT on either side, but unsent data is lost and"
                      + " the peer sees 'connection reset' instead of end of stream.";
            String advice = unread > 0
                    ? "Read the input to its end (or shutdownOutput and drain) before close(), or make the protocol"
                      + " say when the peer is done."
                    : "Keep SO_LINGER 0 only where an abortive close is the intent; for TIME_WAIT build-up prefer"
                      + " connection reuse.";
            findings.add(new Finding(type(), unread > 0 ? Severity.WARNING : Severity.INFO, summary, g.peer, "closed",
                    g.site, n, affected, List.of(UNREAD_DATA.of(unread), LINGER_ZERO.of(n - unread)),
                    explanation, advice));
        }
        return findings;
    }
}
