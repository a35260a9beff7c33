package dev.tcpstate.analyzer.findings;

import java.util.List;

/**
 * A finding rule's declarations, given once to the constructor (as JMC's {@code AbstractRule}
 * takes its id, preferences and results): what the finding is called, the thresholds it takes and
 * the values it measures.
 */
abstract class AbstractFindingRule implements FindingRule {
    private final FindingType type;
    private final List<Preference<?>> preferences;
    private final List<Measure.Kind> measures;

    AbstractFindingRule(FindingType type, List<Preference<?>> preferences, List<Measure.Kind> measures) {
        this.type = type;
        this.preferences = List.copyOf(preferences);
        this.measures = List.copyOf(measures);
    }

    @Override
    public final FindingType type() {
        return type;
    }

    @Override
    public final List<Preference<?>> preferences() {
        return preferences;
    }

    @Override
    public final List<Measure.Kind> measures() {
        return measures;
    }
}
