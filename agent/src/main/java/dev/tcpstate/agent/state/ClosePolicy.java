package dev.tcpstate.agent.state;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.TcpState;

/**
 * Whether a close sends FIN ({@code CLOSE}) or RST ({@code ABORT}, and why), decided as the close
 * begins, while the socket can still be asked. RFC 9293's ABORT (§3.10.5) sends a reset from a
 * synchronized state; Linux does so on close when SO_LINGER is on with a zero timeout, or when input
 * the application never read is still queued. Asking a socket either question is a system call, so
 * the policy asks only what can matter: SO_LINGER only once some code set it (or for a connection
 * the agent saw before the setters were woven), unread input only before the end of the stream was
 * read. Pure but for those two questions; the bookkeeping of the setters is the one shared state.
 */
public final class ClosePolicy {

    /** What a close may ask the socket; each answer costs a system call. */
    public interface Probe {
        boolean lingerZero(Object socket);

        boolean hasUnreadInput(Object socket);
    }

    private volatile boolean lingerSet;
    private volatile boolean lingerWatched;
    private volatile long lingerWatchedSinceNanos;

    /** Some code set SO_LINGER (on any socket of this JVM). */
    public void lingerSet() {
        lingerSet = true;
    }

    /** Every SO_LINGER setter is woven, from now on: connections first seen from now need not be asked. */
    public void lingerSettersWoven(long sinceNanos) {
        lingerWatchedSinceNanos = sinceNanos;
        lingerWatched = true;
    }

    /** The weaving was undone: what sockets are set up with goes unseen again. */
    public void lingerSettersUnwoven() {
        lingerWatched = false;
    }

    /**
     * Whether a connection first seen at {@code firstSeenNanos} may have SO_LINGER set: once some code
     * set the option, or when its socket may have been set up before the agent could see it.
     */
    public boolean mayLinger(long firstSeenNanos) {
        return lingerSet || !lingerWatched || firstSeenNanos - lingerWatchedSinceNanos < 0;
    }

    /**
     * After the application read the end of the stream, everything the peer sent before its FIN was
     * read, and nothing can follow a FIN: such a close leaves nothing unread.
     */
    public static boolean mayHaveUnreadInput(boolean endOfStreamRead) {
        return !endOfStreamRead;
    }

    /**
     * Whether a close may be a passive one that Java cannot tell from an active one: the connection is
     * ESTABLISHED as far as Java saw, and its end of stream was never read, so the peer's FIN may have
     * arrived unseen (the kernel holds CLOSE_WAIT) and the close will send LAST_ACK's FIN, not
     * FIN_WAIT_1's. Only then is the kernel worth asking before the close.
     */
    public static boolean mayBePassive(TcpState state, boolean endOfStreamRead) {
        return state == TcpState.ESTABLISHED && !endOfStreamRead;
    }

    /** Why the close of this connection sends RST, or {@code null} when it sends FIN (or nothing). */
    public AbortCause onClose(TcpState state, long firstSeenNanos, boolean endOfStreamRead, Probe probe,
            Object socket) {
        return abortCause(state, mayLinger(firstSeenNanos), mayHaveUnreadInput(endOfStreamRead), probe, socket);
    }

    /**
     * The decision itself: in a state a close can abort, SO_LINGER 0 first, then unread input, each
     * asked only when it may be so.
     */
    public static AbortCause abortCause(TcpState state, boolean mayLinger, boolean mayHaveUnreadInput, Probe probe,
            Object socket) {
        if (!mayAbort(state)) {
            return null;
        }
        if (mayLinger && probe.lingerZero(socket)) {
            return AbortCause.LINGER_ZERO;
        }
        if (mayHaveUnreadInput && probe.hasUnreadInput(socket)) {
            return AbortCause.UNREAD_INPUT;
        }
        return null;
    }

    /**
     * The states in which a close is recorded as an abort when it has a cause: those from which RFC
     * 9293's ABORT sends a reset, as Java can hold them (SYN_RECEIVED is one too, but an accepted
     * connection is ESTABLISHED before the application has it). Elsewhere a close is the table's CLOSE.
     */
    public static boolean mayAbort(TcpState state) {
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_1
                || state == TcpState.FIN_WAIT_2;
    }
}
