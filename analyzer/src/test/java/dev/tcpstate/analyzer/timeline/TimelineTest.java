package dev.tcpstate.analyzer.timeline;

import static dev.tcpstate.contract.Source.API;
import static dev.tcpstate.contract.Source.EXPECTED;
import static dev.tcpstate.contract.Source.KERNEL;
import static dev.tcpstate.contract.TcpState.CLOSED;
import static dev.tcpstate.contract.TcpState.CLOSE_WAIT;
import static dev.tcpstate.contract.TcpState.ESTABLISHED;
import static dev.tcpstate.contract.TcpState.FIN_WAIT_1;
import static dev.tcpstate.contract.TcpState.LAST_ACK;
import static dev.tcpstate.contract.TcpState.SYN_SENT;
import static dev.tcpstate.contract.TcpState.TIME_WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcpstate.analyzer.fixture.Changes;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

class TimelineTest {

    @Test
    void spansFollowTheEventsAndTheLastOneRunsToTheEndOfTheRecording() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).site("com.example.Pool.borrow:42").connect(0)
                .go(10, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        Connection conn = Timeline.of(c.events()).connections().get(0);

        assertEquals(List.of(SYN_SENT, ESTABLISHED, CLOSE_WAIT), conn.spans().stream().map(Span::state).toList());
        Span closeWait = conn.spans().get(2);
        assertEquals(90_000_000_000L, closeWait.nanos());
        assertTrue(closeWait.openAtEnd());
        assertTrue(closeWait.kernelSeen());
        assertEquals(CLOSE_WAIT, conn.finalState());
        assertNotNull(conn.opened());
        assertEquals(Stimulus.CONNECT, conn.opened().stimulus());
        assertNull(conn.closed());
        assertEquals("10.0.0.9:443", conn.peer());
    }

    @Test
    void anActiveCloseIsRememberedAndClosedConnectionsEndClosed() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 80).connect(0)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                .go(1, FIN_WAIT_1, TIME_WAIT, EXPECTED, "ASSUMED_PEER_CLOSED")
                .go(61, TIME_WAIT, CLOSED, EXPECTED, "ASSUMED_2MSL_ELAPSED");
        Connection conn = Timeline.of(c.events()).connections().get(0);

        assertEquals(CLOSED, conn.finalState());
        assertEquals(Changes.at(61), conn.closedAt());
        assertEquals(Stimulus.CLOSE, conn.activeClose().stimulus());
        assertEquals(Stimulus.CLOSE, conn.closed().stimulus());
        Span tw = conn.spansIn(TIME_WAIT).get(0);
        assertEquals(60_000_000_000L, tw.nanos());
        assertFalse(tw.openAtEnd());
        assertEquals(EXPECTED, tw.source());
    }

    /**
     * The agent's events since 2026-12: a blocking connect is one event, from SYN_SENT; a TIME_WAIT the
     * kernel showed has no CLOSED after it, and ends when its timer said.
     */
    @Test
    void aBlockingConnectsOneEventOpensItAndAKernelTimeWaitEndsWhenItsTimerSays() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 80).site("com.example.Client.call:12").blockingConnect(0.5, 0.25)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                .go(2, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN", "kernel: rcv FIN", 59_000);
        Connection conn = Timeline.of(c.events()).connections().get(0);

        assertEquals(List.of(SYN_SENT, ESTABLISHED, FIN_WAIT_1, TIME_WAIT),
                conn.spans().stream().map(Span::state).toList());
        Span synSent = conn.spans().get(0);
        assertEquals(Changes.at(0.25), synSent.start());
        assertEquals(API, synSent.source());
        assertEquals("Socket.connect", synSent.enteredBy());
        assertEquals(Stimulus.CONNECT_ESTABLISHED, conn.opened().stimulus());
        assertEquals(Changes.at(0.25), conn.firstSeen());
        Span tw = conn.spansIn(TIME_WAIT).get(0);
        assertEquals(59_000_000_000L, tw.nanos());
        assertFalse(tw.openAtEnd());
        assertEquals(CLOSED, conn.finalState());
        assertEquals(Changes.at(61), conn.closedAt());

        Changes shorter = new Changes().endAt(30);
        shorter.client(1, 50001, "10.0.0.9", 80).blockingConnect(0.5, 0.25)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                .go(2, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN", "kernel: rcv FIN", 59_000);
        Connection open = Timeline.of(shorter.events()).connections().get(0);
        assertEquals(TIME_WAIT, open.finalState(), "still in TIME_WAIT when the recording ends");
        assertTrue(open.spansIn(TIME_WAIT).get(0).openAtEnd());
    }

    /** A newer connection of the same 4-tuple ends a TIME_WAIT (Linux lets its SYN do so): the kernel has one row per tuple. */
    @Test
    void aNewerConnectionOfTheSameTupleEndsATimeWait() {
        Changes c = new Changes().endAt(30);
        c.client(1, 50001, "10.0.0.9", 80).blockingConnect(0.5, 0.25)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                .go(2, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN", "kernel: rcv FIN", 59_000);
        c.client(2, 50001, "10.0.0.9", 80).blockingConnect(10, 0.25);
        List<Connection> both = Timeline.of(c.events()).connections();
        Connection old = both.get(0);
        assertEquals(CLOSED, old.finalState());
        assertEquals(Changes.at(9.75), old.closedAt(), "when the newer connection's connect began");
        assertEquals(ESTABLISHED, both.get(1).finalState());
    }

    @Test
    void aReStatementRevealsAConnectionWhoseEventsRotatedOut() {
        Changes c = new Changes().endAt(100);
        c.client(7, 50007, "10.0.0.9", 443).restated(95, CLOSE_WAIT, KERNEL, 80);
        Connection conn = Timeline.of(c.events()).connections().get(0);

        assertEquals(1, conn.spans().size());
        Span s = conn.spans().get(0);
        assertEquals(CLOSE_WAIT, s.state());
        assertEquals(Changes.at(15), s.start());
        assertEquals(85_000_000_000L, s.nanos());
        assertTrue(s.kernelSeen());
        assertNull(conn.opened());
        assertEquals("10.0.0.9:443", conn.remote().toString());
    }

    @Test
    void aReStatementThatRacesAChangeItPredatesDoesNotInventAState() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).connect(0)
                .go(10, ESTABLISHED, CLOSE_WAIT, API, "READ_EOF")
                .go(20, CLOSE_WAIT, LAST_ACK, API, "CLOSE")
                // sampled while still CLOSE_WAIT, committed just after the close
                .restated(20.001, CLOSE_WAIT, KERNEL, 9.99);
        Connection conn = Timeline.of(c.events()).connections().get(0);

        assertEquals(List.of(SYN_SENT, ESTABLISHED, CLOSE_WAIT, LAST_ACK),
                conn.spans().stream().map(Span::state).toList());
        assertEquals(10_000_000_000L, conn.spansIn(CLOSE_WAIT).get(0).nanos());
    }

    @Test
    void aReStatementConfirmsTheCurrentStateAsKernelObserved() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).connect(0)
                .go(10, ESTABLISHED, CLOSE_WAIT, API, "READ_EOF")
                .restated(50, CLOSE_WAIT, KERNEL, 40);
        Span s = Timeline.of(c.events()).connections().get(0).spansIn(CLOSE_WAIT).get(0);
        assertEquals(API, s.source());
        assertTrue(s.kernelSeen());
    }

    @Test
    void countsOverTimeHoldTheMostConnectionsInEachStateAtOnce() {
        Changes c = new Changes().endAt(100);
        for (int i = 0; i < 5; i++) {
            c.client(i, 50000 + i, "10.0.0.9", 443).connect(i)
                    .go(50 + i, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        }
        Timeline t = Timeline.of(c.events());
        List<Timeline.StateCounts> counts = t.countsOverTime(10);
        assertEquals(10, counts.size());
        assertEquals(5, counts.get(0).get(ESTABLISHED));
        assertEquals(1, counts.get(0).get(TcpState.SYN_SENT), "each SYN_SENT lasts 1 ms, one at a time");
        assertEquals(5, counts.get(2).get(ESTABLISHED));
        assertEquals(0, counts.get(2).get(CLOSE_WAIT));
        assertEquals(5, counts.get(9).get(CLOSE_WAIT));
        assertEquals(5, t.everIn().get(CLOSE_WAIT));
        assertEquals(5, t.atEnd().get(CLOSE_WAIT));
    }

    @Test
    void countsOverTimeCountAConnectionOnceAtAnyInstant() {
        Changes c = new Changes().endAt(60); // the TIME_WAIT (60 s) lasts to the end
        // within the first slice: SYN_SENT, ESTABLISHED, FIN_WAIT_1 and TIME_WAIT, one connection
        c.client(1, 50001, "10.0.0.9", 443).connect(1)
                .go(2, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                .go(3, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN");
        for (Timeline.StateCounts counts : Timeline.of(c.events()).countsOverTime(10)) {
            assertEquals(1, counts.open(), "one connection open in every slice: " + counts);
            for (TcpState s : TcpState.values()) {
                assertTrue(counts.get(s) <= 1, s + " counted more than once: " + counts);
            }
        }
    }

    @Test
    void overlapCountsIntervalsThatShareAnInstant() {
        assertEquals(0, Overlap.peak(List.of()));
        assertEquals(2, Overlap.peak(List.of(new long[] {0, 10}, new long[] {5, 15}, new long[] {10, 20})));
        assertEquals(1, Overlap.peak(List.of(new long[] {0, 10}, new long[] {10, 20})));
    }
}
