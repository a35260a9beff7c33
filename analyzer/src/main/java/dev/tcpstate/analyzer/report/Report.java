package dev.tcpstate.analyzer.report;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.Thresholds;
import dev.tcpstate.analyzer.load.LoadResult;
import dev.tcpstate.analyzer.timeline.Timeline;

/**
 * What every format reports: the recordings read (and what was skipped), the timeline, the
 * findings, and the thresholds they were found with.
 *
 * @param failOn the kinds of finding that fail the run ({@code --fail-on})
 */
public record Report(
        List<String> recordings,
        List<String> warnings,
        Timeline timeline,
        List<Finding> findings,
        Thresholds thresholds,
        Set<FindingType> failOn) {

    public Report {
        recordings = List.copyOf(recordings);
        warnings = List.copyOf(warnings);
        findings = List.copyOf(findings);
        failOn = Set.copyOf(failOn);
    }

    public static Report of(LoadResult load, Thresholds thresholds, Set<FindingType> failOn) {
        Timeline timeline = Timeline.of(load.events());
        return new Report(load.files(), load.warnings(), timeline, Findings.evaluate(timeline, thresholds),
                thresholds, failOn);
    }

    public boolean fails() {
        return findings.stream().anyMatch(f -> failOn.contains(f.type()));
    }

    static String instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }
}
