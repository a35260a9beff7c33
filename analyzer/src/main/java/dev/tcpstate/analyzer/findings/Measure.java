package dev.tcpstate.analyzer.findings;

import dev.tcpstate.contract.Durations;

/**
 * A typed result value of a finding (a duration, a peak, a rate), declared once by the finding
 * that computes it: {@code id} is its key in the JSON report.
 */
public record Measure(Kind kind, double value) {

    public enum Unit {
        NANOSECONDS, COUNT, PER_SECOND, RATIO
    }

    /** What a measure is: its JSON key, a label for people, and its unit. */
    public record Kind(String id, String label, Unit unit) {
        public Measure of(double value) {
            return new Measure(this, value);
        }
    }

    /** The value for a person: a duration, a whole number, a rate or a percentage. */
    public String display() {
        return switch (kind.unit()) {
            case NANOSECONDS -> Durations.format((long) value);
            case COUNT -> String.valueOf((long) value);
            case PER_SECOND -> String.format(java.util.Locale.ROOT, "%.1f/s", value);
            case RATIO -> String.format(java.util.Locale.ROOT, "%.1f %%", value * 100);
        };
    }
}
