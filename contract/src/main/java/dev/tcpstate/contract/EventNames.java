package dev.tcpstate.contract;

/** The event types of {@code docs/events.md}, by the names the agent gives them and the analyzer reads. */
public final class EventNames {
    public static final String PREFIX = "tcpstate.";
    /** A transition made by a call of the application's code ({@link Stimulus#namesCode()}): it carries that call's stack. */
    public static final String STATE_CHANGE = PREFIX + "StateChange";
    /** Every other transition (the peer's, the kernel's, assumed ones): the same fields, no stack trace. */
    public static final String STATE_CHANGE_NO_STACK = PREFIX + "StateChangeNoStack";
    public static final String ANOMALY = PREFIX + "Anomaly";
    public static final String LINGERING_CONNECTION = PREFIX + "LingeringConnection";
    public static final String STATE_SUMMARY = PREFIX + "StateSummary";
    public static final String LIBRARY_CALL = PREFIX + "LibraryCall";
    /** Written at the end of every chunk (dump, stop, exit, rotation), after a last kernel sample. */
    public static final String END_OF_CHUNK = PREFIX + "EndOfChunk";
    /** The name of the recording the agent starts ({@code record=}, {@code attach --record}), as {@code JFR.check} lists it. */
    public static final String RECORDING = "tcpstate";

    private EventNames() {
    }
}
