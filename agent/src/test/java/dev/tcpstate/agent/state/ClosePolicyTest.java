package dev.tcpstate.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.TcpState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** FIN or RST, and which questions a close need not ask the socket. */
class ClosePolicyTest {

    /** The states RFC 9293's ABORT sends a reset from, as Java can hold them. */
    static final Set<TcpState> ABORTABLE = EnumSet.of(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT,
            TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2);

    static final Object SOCKET = new Object();

    /** A socket's answers, and how often it was asked. */
    static final class Answers implements ClosePolicy.Probe {
        final boolean lingerZero;
        final boolean unreadInput;
        int lingerAsked;
        int unreadAsked;

        Answers(boolean lingerZero, boolean unreadInput) {
            this.lingerZero = lingerZero;
            this.unreadInput = unreadInput;
        }

        @Override
        public boolean lingerZero(Object socket) {
            assertEquals(SOCKET, socket);
            lingerAsked++;
            return lingerZero;
        }

        @Override
        public boolean hasUnreadInput(Object socket) {
            assertEquals(SOCKET, socket);
            unreadAsked++;
            return unreadInput;
        }
    }

    private static AbortCause close(TcpState state, Answers socket) {
        return ClosePolicy.abortCause(state, true, true, socket, SOCKET);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void soLingerZeroAbortsFromASynchronizedStateOnly(TcpState state) {
        assertEquals(ABORTABLE.contains(state) ? AbortCause.LINGER_ZERO : null, close(state, new Answers(true, false)));
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void unreadInputAbortsFromASynchronizedStateOnly(TcpState state) {
        assertEquals(ABORTABLE.contains(state) ? AbortCause.UNREAD_INPUT : null,
                close(state, new Answers(false, true)));
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void withNeitherEveryCloseSendsFin(TcpState state) {
        assertNull(close(state, new Answers(false, false)));
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void onlyWhereACloseCanAbortIsTheSocketAsked(TcpState state) {
        Answers lingering = new Answers(true, true);
        Answers unread = new Answers(false, true);
        close(state, lingering);
        close(state, unread);
        int asked = ABORTABLE.contains(state) ? 1 : 0;
        assertEquals(asked, lingering.lingerAsked, "SO_LINGER asked");
        assertEquals(0, lingering.unreadAsked, "SO_LINGER 0 decides alone");
        assertEquals(asked, unread.lingerAsked, "SO_LINGER asked");
        assertEquals(asked, unread.unreadAsked, "unread input asked");
    }

    @Test
    void bothCausesAreSoLingerZero() {
        assertEquals(AbortCause.LINGER_ZERO, close(TcpState.ESTABLISHED, new Answers(true, true)));
    }

    /**
     * Whether one close of an ESTABLISHED connection first seen at {@code firstSeenNanos}, whose socket
     * has SO_LINGER 0, asked the socket about it (and then aborted).
     */
    private static boolean asksSoLinger(ClosePolicy policy, long firstSeenNanos) {
        Answers socket = new Answers(true, false);
        AbortCause cause = policy.onClose(TcpState.ESTABLISHED, firstSeenNanos, false, socket, SOCKET);
        assertEquals(socket.lingerAsked == 1 ? AbortCause.LINGER_ZERO : null, cause);
        assertEquals(socket.lingerAsked == 1 ? 0 : 1, socket.unreadAsked, "unread input asked unless SO_LINGER 0");
        return socket.lingerAsked == 1;
    }

    @Test
    void beforeTheSettersAreWovenEveryCloseAsksSoLinger() {
        assertTrue(asksSoLinger(new ClosePolicy(), 100));
    }

    @Test
    void onceTheSettersAreWovenAConnectionSeenSinceIsNotAskedSoLinger() {
        ClosePolicy policy = new ClosePolicy();
        policy.lingerSettersWoven(100);
        assertFalse(asksSoLinger(policy, 200));
        assertFalse(asksSoLinger(policy, 100), "first seen as the weaving ended");
    }

    @Test
    void aConnectionSeenBeforeTheWeavingIsAskedSoLinger() {
        ClosePolicy policy = new ClosePolicy();
        policy.lingerSettersWoven(100);
        assertTrue(asksSoLinger(policy, 99));
    }

    @Test
    void aSetterSeenMakesEveryCloseAskSoLinger() {
        ClosePolicy policy = new ClosePolicy();
        policy.lingerSettersWoven(100);
        policy.lingerSet();
        assertTrue(asksSoLinger(policy, 200));
    }

    @Test
    void afterTheWeavingIsUndoneEveryCloseAsksSoLingerAgain() {
        ClosePolicy policy = new ClosePolicy();
        policy.lingerSettersWoven(100);
        policy.lingerSettersUnwoven();
        assertTrue(asksSoLinger(policy, 200));
    }

    @Test
    void beforeAndAfterTheWeavingCompareAcrossTheWrapOfNanoTime() {
        ClosePolicy policy = new ClosePolicy();
        policy.lingerSettersWoven(Long.MIN_VALUE + 10);
        assertTrue(asksSoLinger(policy, Long.MAX_VALUE), "first seen 11 ns before the weaving");
        assertFalse(asksSoLinger(policy, Long.MIN_VALUE + 11), "first seen 1 ns after");
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void afterTheEndOfTheStreamWasReadUnreadInputIsNotAsked(TcpState state) {
        ClosePolicy policy = new ClosePolicy();
        Answers socket = new Answers(false, true);
        assertNull(policy.onClose(state, 100, true, socket, SOCKET));
        assertEquals(0, socket.unreadAsked);
    }

    @Test
    void beforeTheEndOfTheStreamUnreadInputIsAsked() {
        ClosePolicy policy = new ClosePolicy();
        Answers socket = new Answers(false, true);
        assertEquals(AbortCause.UNREAD_INPUT, policy.onClose(TcpState.ESTABLISHED, 100, false, socket, SOCKET));
        assertEquals(1, socket.unreadAsked);
    }
}
