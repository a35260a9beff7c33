package dev.tcpstate.contract;

/** The event types of {@code docs/events.md}, by the names the agent gives them and the analyzer reads. */
public final class EventNames {
    public static final String PREFIX = "tcpstate.";
    public static final String STATE_CHANGE = PREFIX + "StateChange";
    public static final String ANOMALY = PREFIX + "Anomaly";
    public static final String LINGERING_CONNECTION = PREFIX + "LingeringConnection";
    public static final String STATE_SUMMARY = PREFIX + "StateSummary";
    public static final String LIBRARY_CALL = PREFIX + "LibraryCall";

    private EventNames() {
    }
}
