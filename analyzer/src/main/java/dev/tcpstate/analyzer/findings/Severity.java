package dev.tcpstate.analyzer.findings;

/**
 * How much a finding matters; the names match JMC's rule severities, and so does the score: JMC
 * rates a rule's result from 0 to 100, information from 25 and a warning from 75.
 */
public enum Severity {
    /** Worth knowing; may be deliberate. */
    INFO(25, 74),
    /** A problem to fix. */
    WARNING(75, 100);

    private final double lowest;
    private final double highest;

    Severity(double lowest, double highest) {
        this.lowest = lowest;
        this.highest = highest;
    }

    /**
     * A score within this severity's band of JMC's scale: its lowest for {@code within} 0, its
     * highest for 1, so that JMC shows a finding with the severity the analyzer gave it.
     */
    public double score(double within) {
        return lowest + (highest - lowest) * Math.min(1, Math.max(0, within));
    }

    /**
     * How far past {@code threshold} a {@code value} is, for {@link #score}: 0 at the threshold,
     * one half at twice it, towards 1 beyond (1 when the threshold is 0).
     */
    static double beyond(double value, double threshold) {
        return threshold <= 0 ? 1 : value <= threshold ? 0 : 1 - threshold / value;
    }
}
