package dev.tcpstate.contract;

/**
 * The eleven connection states of RFC 9293, section 3.3.2, named as the RFC names them; the recording
 * spells them so in {@code fromState}, {@code toState} and {@code state}.
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

    /**
     * The state a Linux {@code /proc/net/tcp} row reports, from its {@code st} code (01..0B).
     * Linux names CLOSE what the RFC calls CLOSED and SYN_RECV what it calls SYN_RECEIVED.
     */
    public static TcpState fromLinuxCode(int code) {
        switch (code) {
            case 0x01: return ESTABLISHED;
            case 0x02: return SYN_SENT;
            case 0x03: return SYN_RECEIVED;
            case 0x04: return FIN_WAIT_1;
            case 0x05: return FIN_WAIT_2;
            case 0x06: return TIME_WAIT;
            case 0x07: return CLOSED;
            case 0x08: return CLOSE_WAIT;
            case 0x09: return LAST_ACK;
            case 0x0A: return LISTEN;
            case 0x0B: return CLOSING;
            default: return null;
        }
    }

    /** The state named {@code name}, or {@code null} when a recording holds something else. */
    public static TcpState parse(String name) {
        return Vocabulary.parse(TcpState.class, name);
    }
}
