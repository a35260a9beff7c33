package dev.tcpstate.analyzer.load;

/** The names of {@code docs/events.md}: the contract between the agent and the analyzer. */
public final class EventNames {
    public static final String PREFIX = "tcpstate.";
    public static final String STATE_CHANGE = "tcpstate.StateChange";
    public static final String ANOMALY = "tcpstate.Anomaly";
    public static final String LINGERING_CONNECTION = "tcpstate.LingeringConnection";
    public static final String STATE_SUMMARY = "tcpstate.StateSummary";

    private EventNames() {
    }
}
