package dev.tcpstate.analyzer.findings;

/**
 * What one kind of finding is called everywhere, declared by its {@link FindingRule} and nowhere
 * else: the command line, the reports and the JMC rule take their names from here.
 *
 * @param name the name reports, JSON and JUnit XML use, e.g. {@code CLOSE_WAIT_LINGER}
 * @param kind the short name {@code --fail-on} takes, e.g. {@code close-wait}
 * @param ruleId the id of its JDK Mission Control rule, e.g. {@code tcpstate.CloseWaitLinger}
 * @param ruleName the name JMC shows for that rule
 * @param description what it finds, as a phrase ({@code No <description>.} when it finds nothing)
 */
public record FindingType(String name, String kind, String ruleId, String ruleName, String description) {

    /** By short name or type name, in any case. */
    boolean isNamed(String text) {
        String n = text.trim();
        return kind.equalsIgnoreCase(n) || name.equalsIgnoreCase(n.replace('-', '_'));
    }

    @Override
    public String toString() {
        return name;
    }
}
