package dev.tcpstate.contract;

/**
 * What moves a connection from one state to another. Java-visible stimuli are named after the call
 * that reveals them; the kernel-only ones after the segment or timer of RFC 9293's diagram. The
 * recording's {@code stimulus} field holds their names.
 */
public enum Stimulus {
    // --- seen through the Java API
    BIND_LISTEN(Source.API, "bind/listen"),
    CONNECT(Source.API, "connect started: SYN sent"),
    CONNECT_ESTABLISHED(Source.API, "connect returned"),
    CONNECT_FAILED(Source.API, "connect refused or timed out"),
    ACCEPT(Source.API, "accept returned"),
    READ_EOF(Source.API, "read returned end of stream: the peer's FIN"),
    SHUTDOWN_INPUT(Source.API, "shutdownInput: sends nothing"),
    SHUTDOWN_OUTPUT(Source.API, "shutdownOutput: FIN sent"),
    CLOSE(Source.API, "close"),
    ABORT(Source.API, "close with SO_LINGER 0 or unread input: RST sent"),
    RESET(Source.API, "connection reset or broken pipe: RST received"),
    GARBAGE_COLLECTED(Source.API, "unreachable without close: the JDK's cleaner closes it"),

    // --- seen only by the kernel (RFC 9293 figure 5)
    RCV_SYN(Source.KERNEL, "rcv SYN"),
    RCV_SYN_ACK(Source.KERNEL, "rcv SYN,ACK"),
    RCV_ACK_OF_SYN(Source.KERNEL, "rcv ACK of SYN"),
    RCV_FIN(Source.KERNEL, "rcv FIN"),
    RCV_ACK_OF_FIN(Source.KERNEL, "rcv ACK of FIN"),
    RCV_FIN_ACK_OF_FIN(Source.KERNEL, "rcv FIN together with the ACK of our FIN"),
    RCV_RST(Source.KERNEL, "rcv RST"),
    TIMEOUT_2MSL(Source.KERNEL, "timeout=2MSL"),

    // --- followed from what was seen, never observed (recorded only when the kernel view is off)
    ASSUMED_PEER_CLOSED(Source.EXPECTED, "assumed: the peer acknowledged our FIN and sent its own"),
    ASSUMED_2MSL_ELAPSED(Source.EXPECTED, "2MSL (60 s on Linux) elapsed since the active close");

    private final Source visibility;
    private final String description;

    Stimulus(Source visibility, String description) {
        this.visibility = visibility;
        this.description = description;
    }

    public Source visibility() {
        return visibility;
    }

    public String description() {
        return description;
    }

    /**
     * Whether the code that made this transition is the answer to "who did it": the calls that choose
     * a connection's life (bind, connect, accept, shutdown, close), and a connect's return, which for a
     * blocking connect is the connect's only event (its CLOSED to SYN_SENT is folded into it). Their
     * events carry the call's stack ({@link EventNames#STATE_CHANGE}); the outcomes the peer decides
     * (end of stream, reset received), the cleaner's close of a collected socket, and what the kernel
     * shows or the agent assumes carry none ({@link EventNames#STATE_CHANGE_NO_STACK}).
     */
    public boolean namesCode() {
        return switch (this) {
            case BIND_LISTEN, CONNECT, CONNECT_ESTABLISHED, CONNECT_FAILED, ACCEPT, SHUTDOWN_INPUT, SHUTDOWN_OUTPUT,
                    CLOSE, ABORT -> true;
            default -> false;
        };
    }

    /** The stimulus named {@code name}, or {@code null} when a recording holds something else. */
    public static Stimulus parse(String name) {
        return Vocabulary.parse(Stimulus.class, name);
    }
}
