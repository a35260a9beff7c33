package dev.tcpstate.analyzer.findings;

import java.util.List;

import dev.tcpstate.analyzer.timeline.Timeline;

/**
 * One kind of finding: what it is called, the thresholds it takes, the values it measures and how
 * it finds it in a timeline. The command line, the reports and the JMC rules all take these from
 * {@link Findings#rules()}; none has its own copy or list.
 */
public interface FindingRule {
    FindingType type();

    /** The thresholds this finding takes, each declared once. */
    List<Preference<?>> preferences();

    /** Every kind of value its findings measure. */
    List<Measure.Kind> measures();

    List<Finding> find(Timeline timeline, Thresholds thresholds);

    /**
     * How much {@code finding} matters, from its measures: on JMC's scale of 0 to 100, within the
     * band of its {@link Severity}.
     */
    double score(Finding finding, Thresholds thresholds);
}
