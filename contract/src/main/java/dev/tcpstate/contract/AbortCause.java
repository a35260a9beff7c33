package dev.tcpstate.contract;

/**
 * Why a close sent RST instead of FIN: the {@code abortCause} field of an {@code ABORT} transition
 * (empty on every other). Both make the kernel discard the connection at once, without TIME_WAIT.
 */
public enum AbortCause {
    /** SO_LINGER was set to 0: the application asked for an abortive close. */
    LINGER_ZERO("with SO_LINGER 0"),
    /** Input the peer sent was still unread: the kernel discards it and answers with RST. */
    UNREAD_INPUT("with unread input");

    private final String description;

    AbortCause(String description) {
        this.description = description;
    }

    /** How a trigger says it, after the call: {@code Socket.close with SO_LINGER 0}. */
    public String description() {
        return description;
    }

    /** The cause named {@code name}, or {@code null} for an event that is no abort. */
    public static AbortCause parse(String name) {
        return Vocabulary.parse(AbortCause.class, name);
    }
}
