package dev.tcpstate.analyzer.findings;

import java.util.ArrayList;
import java.util.List;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.load.StateSummarySample;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Overlap;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * {@code TIME_WAIT_ACCUMULATION}: connections this JVM closed first wait 2×MSL in TIME_WAIT. That is
 * TCP working as designed, until thousands pile up towards one destination: each holds one of the
 * ~28,000 ephemeral ports a client has per destination address and port.
 */
public final class TimeWaitAccumulation extends AbstractFindingRule {
    public static final FindingType TYPE = new FindingType("TIME_WAIT_ACCUMULATION", "time-wait",
            "tcpstate.TimeWaitAccumulation", "TIME_WAIT accumulating towards one peer",
            "connections this JVM closed first, piling up in TIME_WAIT towards one peer");

    /** 2×MSL on Linux (TCP_TIMEWAIT_LEN): how long TIME_WAIT lasts when the kernel did not say. */
    public static final long TWO_MSL_NANOS = 60_000_000_000L;
    /** Linux's default ephemeral port range, 32768–60999, when the recording does not say. */
    public static final int DEFAULT_EPHEMERAL_PORTS = 60999 - 32768 + 1;

    public static final Preference<Long> THRESHOLD = Preference.count("time-wait-threshold",
            "TIME_WAIT threshold",
            "Connections closed first by this JVM at one code site, towards one peer, are reported when at least"
                    + " this many were in TIME_WAIT at the same time.",
            1000);

    public static final Measure.Kind PEAK = new Measure.Kind("peak",
            "most in TIME_WAIT at once", Measure.Unit.COUNT);
    public static final Measure.Kind RATE = new Measure.Kind("ratePerSecond",
            "active closes per second", Measure.Unit.PER_SECOND);
    public static final Measure.Kind PORT_FRACTION = new Measure.Kind("portRangeFraction",
            "share of the ephemeral ports towards this peer held at the peak", Measure.Unit.RATIO);
    public static final Measure.Kind PORTS = new Measure.Kind("ephemeralPorts",
            "ephemeral ports per destination", Measure.Unit.COUNT);
    public static final Measure.Kind KERNEL_OBSERVED = new Measure.Kind("kernelObserved",
            "TIME_WAIT observed by the kernel (the rest assumed for 2×MSL)", Measure.Unit.COUNT);

    public TimeWaitAccumulation() {
        super(TYPE, List.of(THRESHOLD), List.of(PEAK, RATE, KERNEL_OBSERVED, PORT_FRACTION, PORTS));
    }

    /**
     * The peak against the threshold, or, for a client, the share of the ephemeral ports it holds
     * when that is more: at all of them, connect() fails.
     */
    @Override
    public double score(Finding finding, Thresholds thresholds) {
        double peak = finding.measure(PEAK).map(Measure::value).orElse(0.0);
        double ports = finding.measure(PORT_FRACTION).map(Measure::value).orElse(0.0);
        return finding.severity().score(Math.max(Severity.beyond(peak, thresholds.get(THRESHOLD)), ports));
    }

    /** One stay in TIME_WAIT: as the kernel observed it, or 2×MSL from entering it. */
    record Stay(Connection connection, long start, long end, boolean kernelObserved, StateChange close) {
    }

    @Override
    public List<Finding> find(Timeline timeline, Thresholds thresholds) {
        Attribution attribution = Attribution.of(thresholds);
        long threshold = thresholds.get(THRESHOLD);
        Groups<Stay> groups = new Groups<>();
        for (Connection c : timeline.connections()) {
            StateChange close = c.activeClose() != null ? c.activeClose() : c.closed();
            List<Span> spans = c.spansIn(TcpState.TIME_WAIT);
            for (Span s : spans) {
                groups.add(CodeSite.of(timeline, c, close, attribution), c.peer(), stay(c, s));
            }
            if (spans.isEmpty() && closedWithoutSeenTimeWait(c)) {
                long start = c.closed().time();
                groups.add(CodeSite.of(timeline, c, close, attribution), c.peer(), new Stay(c, start, start + TWO_MSL_NANOS, false, c.activeClose()));
            }
        }
        int ports = ephemeralPorts(timeline);
        List<Finding> findings = new ArrayList<>();
        for (Groups.Group<Stay> g : groups.all()) {
            List<long[]> intervals = g.members.stream().map(s -> new long[] {s.start, s.end}).toList();
            int peak = Overlap.peak(intervals);
            if (peak >= threshold && peak > 0) {
                findings.add(finding(g, peak, ports, thresholds));
            }
        }
        return findings;
    }

    /**
     * Closed first with {@code close()}, and neither a TIME_WAIT nor a reset seen after: the kernel
     * view missed it (orphaned sockets can end before a sample) or was off. Its port is held all the
     * same: count it from the close, for 2×MSL.
     */
    private static boolean closedWithoutSeenTimeWait(Connection c) {
        TcpState end = c.finalState();
        return c.activeClose() != null && c.closed() != null && c.closed().stimulus() == Stimulus.CLOSE
                && (end == TcpState.FIN_WAIT_1 || end == TcpState.FIN_WAIT_2);
    }

    private static Stay stay(Connection c, Span s) {
        boolean kernel = s.source() == Source.KERNEL || s.kernelSeen();
        long end;
        if (kernel && !s.openAtEnd()) {
            end = s.end();
        } else if (kernel && kernelTimerAtEntry(c, s) >= 0) {
            end = s.start() + kernelTimerAtEntry(c, s) * 1_000_000L;
        } else {
            end = s.start() + TWO_MSL_NANOS;
        }
        return new Stay(c, s.start(), Math.max(end, s.start()), kernel, c.activeClose());
    }

    private static long kernelTimerAtEntry(Connection c, Span s) {
        for (StateChange e : c.changes()) {
            if (e.time() == s.start() && e.to() == TcpState.TIME_WAIT && e.source() == Source.KERNEL) {
                return e.kernelTimerMillis();
            }
        }
        return -1;
    }

    private static long closedAt(Stay s) {
        return s.close() != null ? s.close().time() : s.start();
    }

    private static int ephemeralPorts(Timeline timeline) {
        for (StateSummarySample s : timeline.events().summaries()) {
            if (s.ephemeralPorts() > 0) {
                return s.ephemeralPorts();
            }
        }
        return DEFAULT_EPHEMERAL_PORTS;
    }

    private Finding finding(Groups.Group<Stay> g, int peak, int ports, Thresholds thresholds) {
        List<Stay> stays = g.members;
        int n = stays.size();
        // closes per second from the closes themselves: a TIME_WAIT the kernel view saw starts at its sample
        // (a sample at the recording's end can see a thousand at one instant)
        long first = stays.stream().mapToLong(TimeWaitAccumulation::closedAt).min().orElse(0);
        long last = stays.stream().mapToLong(TimeWaitAccumulation::closedAt).max().orElse(0);
        double seconds = (last - first) / 1e9;
        double rate = n > 1 && seconds > 0 ? (n - 1) / seconds : n;
        int kernel = (int) stays.stream().filter(Stay::kernelObserved).count();
        boolean client = stays.stream().allMatch(s -> s.connection.role() == Role.CLIENT);
        List<Measure> measures = new ArrayList<>(List.of(PEAK.of(peak), RATE.of(rate), KERNEL_OBSERVED.of(kernel)));
        String portText = "";
        if (client) {
            double fraction = (double) peak / ports;
            measures.add(PORT_FRACTION.of(fraction));
            measures.add(PORTS.of(ports));
            portText = String.format(java.util.Locale.ROOT, ", %.1f %% of the %d ephemeral ports towards it",
                    fraction * 100, ports);
        }
        String summary = Groups.plural(n, "connection", "connections") + " to " + g.peer + " closed first by this JVM"
                + ": up to " + peak + " in TIME_WAIT at once" + portText
                + String.format(java.util.Locale.ROOT, ", %.1f closes/s", rate)
                + ", closed at " + g.site.label();
        String explanation = "The side that closes first holds the connection in TIME_WAIT for 2×MSL (60 s on Linux)"
                + (kernel == n ? ", as the kernel observed here." : kernel == 0
                        ? "; assumed here for 2×MSL from each close, not observed by the kernel." : "; " + kernel + " of them observed by the kernel.")
                + (client ? " Each holds a local port towards this destination; when they run out, connect() fails"
                        + " with 'Cannot assign requested address'." : " On the accepting side they hold no ephemeral"
                        + " port, only kernel memory.")
                + " Threshold: " + thresholds.display(THRESHOLD) + " at once.";
        String advice = client
                ? "Reuse connections (HTTP keep-alive, a connection pool) instead of one connection per request;"
                  + " or let the server close first, so TIME_WAIT is held on its side. SO_LINGER 0 avoids TIME_WAIT by"
                  + " resetting the connection instead, at a price: unsent data is lost and the peer sees"
                  + " 'connection reset'; use it only when that is acceptable."
                : "Let clients close first (keep-alive with client-side close), or keep connections open longer;"
                  + " SO_LINGER 0 resets instead of closing and loses unsent data.";
        return new Finding(type(), Severity.WARNING, summary, g.peer, "closed", g.site, n,
                stays.stream().map(s -> new AffectedConnection(s.connection.key().id(), s.connection.key().jvm(),
                        s.connection.local(), s.connection.remote(), TcpState.TIME_WAIT, s.start, s.end - s.start,
                        s.end > s.connection.recordingEnd(), s.kernelObserved, s.kernelObserved ? Source.KERNEL : Source.EXPECTED)).toList(),
                measures, explanation, advice);
    }
}
