package dev.tcpstate.analyzer.findings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Durations;

/**
 * A finding about connections that stay too long in one state: each connection's longest stay
 * that counts, when it reaches the threshold, grouped by the code responsible and the peer. A
 * subclass says which stays count, which code is responsible, what it measures and how the finding
 * reads.
 */
abstract class StateLinger extends AbstractFindingRule {

    /** The stays of one group, and what every such finding measures of them. */
    record Stays(String peer, CodeSite site, List<AffectedConnection> members, long longest, int stillOpen,
            int confirmed) {
        int count() {
            return members.size();
        }

        /** The longest stay is a lower bound: its state began before anything counted it. */
        boolean longestAtLeast() {
            return members.stream().filter(m -> m.nanos() == longest).anyMatch(AffectedConnection::atLeast);
        }

        /**
         * Which stays began before the agent saw them (connections found already in the state, as after an
         * attach), and how their age is known: empty when none did.
         */
        String begunBefore() {
            long before = members.stream().filter(m -> m.begunBefore() != null).count();
            if (before == 0) {
                return "";
            }
            boolean kernelAged = members.stream()
                    .allMatch(m -> m.begunBefore() == null || m.begunBefore() == AgeBasis.KERNEL_LAST_ACK_RECEIVED);
            return (count() == 1 ? "" : before == count() ? "all " : before + " ") + "in " + members.get(0).state()
                    + " before the recording began" + (kernelAged ? ", by the kernel's count" : "") + "; ";
        }

        /** {@code all} when the kernel confirmed every one, {@code none} when it confirmed none. */
        String confirmation(String all, String none) {
            return confirmed == count() ? all : confirmed == 0 ? none : confirmed + " confirmed by the kernel";
        }
    }

    private final Preference<Duration> threshold;
    private final String siteRole;

    /** @param siteRole what the responsible code did: {@code opened} or {@code closed} the connections */
    StateLinger(FindingType type, Preference<Duration> threshold, String siteRole, List<Measure.Kind> measures) {
        super(type, List.of(threshold), measures);
        this.threshold = threshold;
        this.siteRole = siteRole;
    }

    /** Whether a stay in {@code s} counts. */
    abstract boolean lingers(Span s);

    /** The event whose code is responsible for the connection's stay. */
    abstract StateChange responsible(Connection c);

    /** Whether the kernel confirmed this stay. */
    boolean confirmed(AffectedConnection a) {
        return a.kernelConfirmed();
    }

    /** What the connections did, e.g. {@code held in CLOSE_WAIT}. */
    abstract String stayed();

    /** The summary's parenthesis: still open, confirmed by the kernel. */
    abstract String details(Stays s);

    /** Why it matters, before the threshold. */
    abstract String explanation(Stays s);

    abstract String advice(Stays s);

    abstract List<Measure> measures(Stays s);

    @Override
    public final List<Finding> find(Timeline timeline, Thresholds thresholds) {
        long least = thresholds.get(threshold).toNanos();
        Attribution attribution = Attribution.of(thresholds);
        Groups<AffectedConnection> groups = new Groups<>();
        for (Connection c : timeline.connections()) {
            c.spans().stream()
                    .filter(this::lingers)
                    .filter(s -> s.nanos() >= least)
                    .max(Comparator.comparingLong(Span::nanos))
                    .ifPresent(s -> groups.add(CodeSite.of(timeline, c, responsible(c), attribution), c.peer(), AffectedConnection.of(c, s)));
        }
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<AffectedConnection> g : groups.all()) {
            findings.add(finding(stays(g), thresholds));
        }
        return findings;
    }

    private Stays stays(Groups.Group<AffectedConnection> g) {
        List<AffectedConnection> m = g.members;
        return new Stays(g.peer, g.site, m,
                m.stream().mapToLong(AffectedConnection::nanos).max().orElse(0),
                (int) m.stream().filter(AffectedConnection::stillOpen).count(),
                (int) m.stream().filter(this::confirmed).count());
    }

    private Finding finding(Stays s, Thresholds thresholds) {
        int n = s.count();
        String summary = Groups.plural(n, "connection", "connections") + " to " + s.peer() + " " + stayed() + " "
                + (s.longestAtLeast() ? "for at least " + Durations.format(s.longest()) + (n == 1 ? "" : ", the longest")
                        : (n == 1 ? "for " : "for up to ") + Durations.format(s.longest()))
                + " (" + s.begunBefore() + details(s) + "), " + siteRole + " at " + s.site().label();
        return new Finding(type(), Severity.WARNING, summary, s.peer(), siteRole, s.site(), n, s.members(),
                measures(s), explanation(s) + " Threshold: " + thresholds.display(threshold) + ".", advice(s));
    }

    /** The longest stay, against the threshold. */
    @Override
    public final double score(Finding finding, Thresholds thresholds) {
        long longest = finding.connections().stream().mapToLong(AffectedConnection::nanos).max().orElse(0);
        return finding.severity().score(Severity.beyond(longest, thresholds.get(threshold).toNanos()));
    }
}
