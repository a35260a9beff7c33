package dev.tcpstate.agent.state;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

import static dev.tcpstate.contract.Stimulus.*;
import static dev.tcpstate.contract.TcpState.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The whole TCP state machine, as one table that can be held next to RFC 9293's figure 5.
 *
 * <p>Each row says: in state {@code from}, stimulus {@code stimulus} leads to {@code to}; or it is
 * expected and changes nothing ({@code IGNORE}: a second EOF read, a close of a socket whose FIN has
 * already gone). Any (state, stimulus) pair without a row is an anomaly: the agent records it with
 * both states and keeps the state it had. Kernel observations are not checked against this table:
 * the kernel is the truth, and a sample can skip states; the table only names the segment that
 * explains an observed change.
 */
public final class TransitionTable {

    /** One row of the table. {@code to == from} for an ignored stimulus. */
    public record Row(TcpState from, Stimulus stimulus, TcpState to, boolean ignored) {
        public boolean changesState() {
            return !ignored;
        }
    }

    private static final List<Row> ROWS = new ArrayList<>();

    static {
        // ---- opening: what Java sees
        row(CLOSED,        BIND_LISTEN,         LISTEN);
        row(CLOSED,        CONNECT,             SYN_SENT);
        row(SYN_SENT,      CONNECT_ESTABLISHED, ESTABLISHED);   // SYN,ACK received, our ACK sent
        row(SYN_SENT,      CONNECT_FAILED,      CLOSED);        // RST answered the SYN, or no answer
        row(SYN_RECEIVED,  ACCEPT,              ESTABLISHED);   // a child of LISTEN, handed to the application

        // ---- the peer closes first (passive close)
        row(ESTABLISHED,   READ_EOF,            CLOSE_WAIT);    // its FIN arrived earlier; the kernel knew first
        row(CLOSE_WAIT,    SHUTDOWN_OUTPUT,     LAST_ACK);      // our FIN
        row(CLOSE_WAIT,    CLOSE,               LAST_ACK);      // our FIN
        row(CLOSE_WAIT,    GARBAGE_COLLECTED,   LAST_ACK);      // the cleaner's close sends our FIN

        // ---- we close first (active close)
        row(ESTABLISHED,   SHUTDOWN_OUTPUT,     FIN_WAIT_1);    // our FIN
        row(ESTABLISHED,   CLOSE,               FIN_WAIT_1);    // our FIN
        row(ESTABLISHED,   GARBAGE_COLLECTED,   FIN_WAIT_1);    // the cleaner's close sends our FIN
        row(SYN_RECEIVED,  CLOSE,               FIN_WAIT_1);
        row(FIN_WAIT_1,    READ_EOF,            TIME_WAIT);     // the peer's FIN; the ACK of ours came unseen
        row(FIN_WAIT_2,    READ_EOF,            TIME_WAIT);     // the peer's FIN

        // ---- giving up on a connection that never opened
        row(LISTEN,        CLOSE,               CLOSED);
        row(LISTEN,        GARBAGE_COLLECTED,   CLOSED);
        row(SYN_SENT,      CLOSE,               CLOSED);
        row(SYN_SENT,      GARBAGE_COLLECTED,   CLOSED);

        // ---- abort: RST sent (close with SO_LINGER 0, or with unread input)
        for (TcpState s : List.of(LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,
                CLOSE_WAIT, CLOSING, LAST_ACK)) {
            row(s, ABORT, CLOSED);
        }
        // ---- reset: RST received (Connection reset, Broken pipe)
        for (TcpState s : List.of(SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING,
                LAST_ACK, TIME_WAIT)) {
            row(s, RESET, CLOSED);
        }

        // ---- expected and harmless: no state change, no anomaly
        ignore(CLOSED, CLOSE);                // a socket that never connected: no TCP connection
        ignore(CLOSED, RESET);                // the same failure reported again by a later call
        ignore(CLOSED, GARBAGE_COLLECTED);
        ignore(TIME_WAIT, ABORT);             // RST in TIME_WAIT is not sent
        for (TcpState s : List.of(FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT)) {
            ignore(s, CLOSE);                 // our FIN already went: close only releases the descriptor
            ignore(s, SHUTDOWN_OUTPUT);
            ignore(s, GARBAGE_COLLECTED);
        }
        for (TcpState s : List.of(CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT)) {
            ignore(s, READ_EOF);              // end of stream read again
        }
        for (TcpState s : List.of(ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT)) {
            ignore(s, SHUTDOWN_INPUT);        // TCP sends nothing for it
        }

        // ---- only the kernel sees these (RFC 9293 figure 5)
        row(LISTEN,        RCV_SYN,             SYN_RECEIVED);
        row(SYN_SENT,      RCV_SYN,             SYN_RECEIVED);  // simultaneous open
        row(SYN_SENT,      RCV_SYN_ACK,         ESTABLISHED);
        row(SYN_RECEIVED,  RCV_ACK_OF_SYN,      ESTABLISHED);
        row(ESTABLISHED,   RCV_FIN,             CLOSE_WAIT);
        row(FIN_WAIT_1,    RCV_FIN,             CLOSING);       // simultaneous close
        row(FIN_WAIT_1,    RCV_ACK_OF_FIN,      FIN_WAIT_2);
        row(FIN_WAIT_1,    RCV_FIN_ACK_OF_FIN,  TIME_WAIT);
        row(FIN_WAIT_2,    RCV_FIN,             TIME_WAIT);
        row(CLOSING,       RCV_ACK_OF_FIN,      TIME_WAIT);
        row(LAST_ACK,      RCV_ACK_OF_FIN,      CLOSED);
        row(TIME_WAIT,     TIMEOUT_2MSL,        CLOSED);
        for (TcpState s : List.of(SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,
                CLOSING, LAST_ACK)) {
            row(s, RCV_RST, CLOSED);
        }

        // ---- assumed when the kernel view is off: recorded as expected, never as fact
        row(FIN_WAIT_1,    ASSUMED_PEER_CLOSED, TIME_WAIT);
        row(FIN_WAIT_2,    ASSUMED_PEER_CLOSED, TIME_WAIT);
        row(TIME_WAIT,     ASSUMED_2MSL_ELAPSED, CLOSED);
    }

    private static final Row[][] BY_STATE_AND_STIMULUS = index();

    private TransitionTable() {
    }

    private static void row(TcpState from, Stimulus stimulus, TcpState to) {
        ROWS.add(new Row(from, stimulus, to, false));
    }

    private static void ignore(TcpState state, Stimulus stimulus) {
        ROWS.add(new Row(state, stimulus, state, true));
    }

    private static Row[][] index() {
        Row[][] index = new Row[TcpState.values().length][Stimulus.values().length];
        for (Row r : ROWS) {
            if (index[r.from().ordinal()][r.stimulus().ordinal()] != null) {
                throw new IllegalStateException("two rows for " + r.from() + " on " + r.stimulus());
            }
            index[r.from().ordinal()][r.stimulus().ordinal()] = r;
        }
        return index;
    }

    /** Every row, in the order written above. */
    public static List<Row> rows() {
        return Collections.unmodifiableList(ROWS);
    }

    /** The row for this pair, or {@code null} when the pair is an anomaly. */
    public static Row lookup(TcpState from, Stimulus stimulus) {
        return BY_STATE_AND_STIMULUS[from.ordinal()][stimulus.ordinal()];
    }

    /**
     * The kernel-only stimulus that explains an observed change of state in one step, or {@code null}
     * when the sample skipped intermediate states (or the change is a correction of an inference).
     */
    public static Stimulus explainKernelChange(TcpState from, TcpState observed) {
        for (Stimulus s : Stimulus.values()) {
            if (s.visibility() != Source.KERNEL) {
                continue;
            }
            Row r = BY_STATE_AND_STIMULUS[from.ordinal()][s.ordinal()];
            if (r != null && r.to() == observed) {
                return s;
            }
        }
        return null;
    }
}
