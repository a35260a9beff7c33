package dev.tcpstate.analyzer.findings;

import java.util.ArrayList;
import java.util.List;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Stimulus;

/**
 * {@code CLOSED_BY_GC}: the application dropped a connection without closing it; the JDK's cleaner
 * closed the file descriptor once the garbage collector found the socket unreachable, which can
 * be much later (and never, if the heap is quiet).
 */
public final class ClosedByGarbageCollection extends AbstractFindingRule {
    public static final FindingType TYPE = new FindingType("CLOSED_BY_GC", "gc-close",
            "tcpstate.ClosedByGarbageCollection", "Connections closed by garbage collection, not by the application",
            "connections never closed by the application: garbage collected, closed by the JDK's cleaner");


    public static final Measure.Kind LONGEST_LIFETIME = new Measure.Kind("longestLifetimeNanos",
            "longest time from opening to collection", Measure.Unit.NANOSECONDS);

    public ClosedByGarbageCollection() {
        super(TYPE, List.of(), List.of(LONGEST_LIFETIME));
    }

    /** Without a threshold: one dropped socket is the least of warnings, and the score rises with their number. */
    @Override
    public double score(Finding finding, Thresholds thresholds) {
        return finding.severity().score(Severity.beyond(finding.count(), 1));
    }

    static boolean isGarbageCollected(StateChange c) {
        return c.stimulus() == Stimulus.GARBAGE_COLLECTED;
    }

    @Override
    public List<Finding> find(Timeline timeline, Thresholds thresholds) {
        Attribution attribution = Attribution.of(thresholds);
        Groups<AffectedConnection> groups = new Groups<>();
        for (Connection c : timeline.connections()) {
            c.changes().stream().filter(ClosedByGarbageCollection::isGarbageCollected).findFirst().ifPresent(e -> {
                AffectedConnection a = AffectedConnection.at(c, e.from(), e.time(), e.source());
                groups.add(CodeSite.of(timeline, c, c.opened(), attribution), c.peer(),
                        new AffectedConnection(a.connectionId(), a.jvm(), a.local(), a.remote(), a.state(),
                                c.firstSeen(), e.time() - c.firstSeen(), false, false, e.source()));
            });
        }
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<AffectedConnection> g : groups.all()) {
            int n = g.members.size();
            long longest = g.members.stream().mapToLong(AffectedConnection::nanos).max().orElse(0);
            String summary = Groups.plural(n, "connection", "connections") + " to " + g.peer
                    + " never closed by the application: garbage collected, then closed by the JDK's cleaner"
                    + ", opened at " + g.site.label();
            String explanation = "A socket that becomes unreachable without close() keeps its file descriptor, and"
                    + " its TCP connection, until a garbage collection finds it; the peer waits meanwhile, and"
                    + " under a quiet heap that can be hours.";
            String advice = "Close sockets and channels in a finally block or with try-with-resources, on every path,"
                    + " including errors.";
            findings.add(new Finding(type(), Severity.WARNING, summary, g.peer, "opened", g.site, n, g.members,
                    List.of(LONGEST_LIFETIME.of(longest)), explanation, advice));
        }
        return findings;
    }
}
