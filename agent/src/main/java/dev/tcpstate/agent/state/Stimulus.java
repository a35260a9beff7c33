package dev.tcpstate.agent.state;

/**
 * What moves a connection from one state to another. Java-visible stimuli are named after the call
 * that reveals them; the kernel-only ones after the segment or timer of RFC 9293's diagram.
 */
public enum Stimulus {
    // --- seen through the Java API
    BIND_LISTEN(Visibility.API, "bind/listen"),
    CONNECT(Visibility.API, "connect started: SYN sent"),
    CONNECT_ESTABLISHED(Visibility.API, "connect returned"),
    CONNECT_FAILED(Visibility.API, "connect refused or timed out"),
    ACCEPT(Visibility.API, "accept returned"),
    READ_EOF(Visibility.API, "read returned end of stream: the peer's FIN"),
    SHUTDOWN_INPUT(Visibility.API, "shutdownInput: sends nothing"),
    SHUTDOWN_OUTPUT(Visibility.API, "shutdownOutput: FIN sent"),
    CLOSE(Visibility.API, "close"),
    ABORT(Visibility.API, "close with SO_LINGER 0 or unread input: RST sent"),
    RESET(Visibility.API, "connection reset or broken pipe: RST received"),
    GARBAGE_COLLECTED(Visibility.API, "unreachable without close: the JDK's cleaner closes it"),

    // --- seen only by the kernel (RFC 9293 figure 5)
    RCV_SYN(Visibility.KERNEL, "rcv SYN"),
    RCV_SYN_ACK(Visibility.KERNEL, "rcv SYN,ACK"),
    RCV_ACK_OF_SYN(Visibility.KERNEL, "rcv ACK of SYN"),
    RCV_FIN(Visibility.KERNEL, "rcv FIN"),
    RCV_ACK_OF_FIN(Visibility.KERNEL, "rcv ACK of FIN"),
    RCV_FIN_ACK_OF_FIN(Visibility.KERNEL, "rcv FIN together with the ACK of our FIN"),
    RCV_RST(Visibility.KERNEL, "rcv RST"),
    TIMEOUT_2MSL(Visibility.KERNEL, "timeout=2MSL"),

    // --- followed from what was seen, never observed (recorded only when the kernel view is off)
    ASSUMED_PEER_CLOSED(Visibility.EXPECTED, "assumed: the peer acknowledged our FIN and sent its own"),
    ASSUMED_2MSL_ELAPSED(Visibility.EXPECTED, "2MSL (60 s on Linux) elapsed since the active close");

    private final Visibility visibility;
    private final String description;

    Stimulus(Visibility visibility, String description) {
        this.visibility = visibility;
        this.description = description;
    }

    public Visibility visibility() {
        return visibility;
    }

    public String description() {
        return description;
    }
}
