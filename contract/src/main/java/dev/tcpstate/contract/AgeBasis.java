package dev.tcpstate.contract;

/**
 * How the agent knows how long a connection it found in the kernel's table (opened before an attach,
 * or before a recording began) had already been in its state: the {@code stateAgeBasis} field of the
 * event that discovered it, whose {@code stateAge} it qualifies. Empty on every other event.
 */
public enum AgeBasis {
    /**
     * The kernel's count ({@code tcp_info}'s {@code tcpi_last_ack_recv}, netlink {@code sock_diag}, JDK 22+):
     * the time since the last segment from the peer that carried an ACK. In CLOSE_WAIT that is the
     * peer's FIN, in FIN_WAIT_2 the ACK of our FIN, unless the peer sent something after it (an answer
     * to a keep-alive probe, data after a half close): a lower bound, exact in the usual case.
     */
    KERNEL_LAST_ACK_RECEIVED(false),
    /**
     * The OS gives no age ({@code /proc/net/tcp} has none): counted from the first sample that listed
     * the connection, so the time in the state is a lower bound ({@code stateAge} 0).
     */
    FIRST_SAMPLE(true);

    private final boolean atLeast;

    AgeBasis(boolean atLeast) {
        this.atLeast = atLeast;
    }

    /** Whether a stay of this basis is reported as "at least": the state began before anything counted it. */
    public boolean atLeast() {
        return atLeast;
    }

    /** The basis named {@code name}, or {@code null} for an event that discovered nothing, or an older agent's. */
    public static AgeBasis parse(String name) {
        return Vocabulary.parse(AgeBasis.class, name);
    }
}
