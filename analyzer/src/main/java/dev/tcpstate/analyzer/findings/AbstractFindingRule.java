package dev.tcpstate.analyzer.findings;

import java.util.List;

/**
 * A finding rule's declarations, given once to the constructor (as JMC's {@code AbstractRule}
 * takes its id and preferences): what the finding is called and the thresholds it takes.
 */
abstract class AbstractFindingRule implements FindingRule {
    private final FindingType type;
    private final List<Preference<?>> preferences;

    AbstractFindingRule(FindingType type, List<Preference<?>> preferences) {
        this.type = type;
        this.preferences = List.copyOf(preferences);
    }

    @Override
    public final FindingType type() {
        return type;
    }

    @Override
    public final List<Preference<?>> preferences() {
        return preferences;
    }
}
