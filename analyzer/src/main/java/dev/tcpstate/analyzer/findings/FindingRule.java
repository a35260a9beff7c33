package dev.tcpstate.analyzer.findings;

import java.util.List;

import dev.tcpstate.analyzer.timeline.Timeline;

/**
 * One kind of finding: the thresholds it takes and how it finds it in a timeline. The command line
 * and (issue 7) the JMC rules both run these; neither has its own copy of the logic.
 */
public interface FindingRule {
    FindingType type();

    /** The thresholds this finding takes, each declared once. */
    List<Preference<?>> preferences();

    List<Finding> find(Timeline timeline, Thresholds thresholds);
}
