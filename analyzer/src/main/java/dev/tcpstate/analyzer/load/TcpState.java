package dev.tcpstate.analyzer.load;

/**
 * The eleven connection states of RFC 9293, as the recording spells them. The analyzer keeps its
 * own copy (it does not depend on the agent); {@code docs/events.md} is the contract both follow.
 */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** The state named {@code name}, or {@code null} when the recording holds something else. */
    public static TcpState parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
