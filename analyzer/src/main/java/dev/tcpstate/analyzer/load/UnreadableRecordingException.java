package dev.tcpstate.analyzer.load;

/** A recording that cannot be analysed at all. The message is one line, fit for a user. */
public final class UnreadableRecordingException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadableRecordingException(String message) {
        super(message, null, false, false);
    }
}
