package dev.tcpstate.agent.state;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

import static dev.tcpstate.contract.Stimulus.*;
import static dev.tcpstate.contract.TcpState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransitionTableTest {

    /**
     * The expected outcome of every (state, stimulus) pair, written out independently of the table.
     * Columns follow {@link Stimulus}'s declaration order. Two letters name the next state,
     * {@code =} means ignored (legal, no change), {@code !} an anomaly.
     */
    private static final String[] COLUMNS = {
        "BIND_LISTEN", "CONNECT", "CONNECT_ESTABLISHED", "CONNECT_FAILED", "ACCEPT", "READ_EOF",
        "SHUTDOWN_INPUT", "SHUTDOWN_OUTPUT", "CLOSE", "ABORT", "RESET", "GARBAGE_COLLECTED",
        "RCV_SYN", "RCV_SYN_ACK", "RCV_ACK_OF_SYN", "RCV_FIN", "RCV_ACK_OF_FIN", "RCV_FIN_ACK_OF_FIN",
        "RCV_RST", "TIMEOUT_2MSL", "ASSUMED_PEER_CLOSED", "ASSUMED_2MSL_ELAPSED"};

    private static final Map<TcpState, String> EXPECTED = Map.ofEntries(
        //                      BI CO CE CF AC EO SI SO CL AB RE GC rS rSA rAS rF rAF rFA rR 2M aP a2
        Map.entry(CLOSED,      "LI SS !  !  !  !  !  !  =  !  =  =  !  !   !   !  !   !   !  !  !  ! "),
        Map.entry(LISTEN,      "!  !  !  !  !  !  !  !  CL CL !  CL SR !   !   !  !   !   !  !  !  ! "),
        Map.entry(SYN_SENT,    "!  !  ES CL !  !  !  !  CL CL !  CL SR ES  !   !  !   !   CL !  !  ! "),
        Map.entry(SYN_RECEIVED,"!  !  !  !  ES !  !  !  F1 CL CL !  !  !   ES  !  !   !   CL !  !  ! "),
        Map.entry(ESTABLISHED, "!  !  !  !  !  CW =  F1 F1 CL CL F1 !  !   !   CW !   !   CL !  !  ! "),
        Map.entry(FIN_WAIT_1,  "!  !  !  !  !  TW =  =  =  CL CL =  !  !   !   CG F2  TW  CL !  TW ! "),
        Map.entry(FIN_WAIT_2,  "!  !  !  !  !  TW =  =  =  CL CL =  !  !   !   TW !   !   CL !  TW ! "),
        Map.entry(CLOSE_WAIT,  "!  !  !  !  !  =  =  LA LA CL CL LA !  !   !   !  !   !   CL !  !  ! "),
        Map.entry(CLOSING,     "!  !  !  !  !  =  =  =  =  CL CL =  !  !   !   !  TW  !   CL !  !  ! "),
        Map.entry(LAST_ACK,    "!  !  !  !  !  =  =  =  =  CL CL =  !  !   !   !  CL  !   CL !  !  ! "),
        Map.entry(TIME_WAIT,   "!  !  !  !  !  =  =  =  =  =  CL =  !  !   !   !  !   !   !  CL !  CL"));

    private static final Map<String, TcpState> ABBREVIATIONS = Map.ofEntries(
        Map.entry("CL", CLOSED), Map.entry("LI", LISTEN), Map.entry("SS", SYN_SENT), Map.entry("SR", SYN_RECEIVED),
        Map.entry("ES", ESTABLISHED), Map.entry("F1", FIN_WAIT_1), Map.entry("F2", FIN_WAIT_2),
        Map.entry("CW", CLOSE_WAIT), Map.entry("CG", CLOSING), Map.entry("LA", LAST_ACK), Map.entry("TW", TIME_WAIT));

    static List<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (TcpState state : TcpState.values()) {
            String[] cells = EXPECTED.get(state).trim().split("\\s+");
            assertEquals(COLUMNS.length, cells.length, "cells for " + state);
            for (int i = 0; i < COLUMNS.length; i++) {
                pairs.add(Arguments.of(state, Stimulus.valueOf(COLUMNS[i]), cells[i]));
            }
        }
        return pairs;
    }

    @Test
    void theExpectationCoversEveryStimulusAndState() {
        assertEquals(Stimulus.values().length, COLUMNS.length);
        for (int i = 0; i < COLUMNS.length; i++) {
            assertEquals(Stimulus.values()[i].name(), COLUMNS[i]);
        }
        assertEquals(TcpState.values().length, EXPECTED.size());
        assertEquals(11, TcpState.values().length, "RFC 9293 has eleven states");
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("everyPair")
    void everyStateAndStimulusPairHasTheExpectedOutcome(TcpState state, Stimulus stimulus, String cell) {
        TransitionTable.Row row = TransitionTable.lookup(state, stimulus);
        switch (cell) {
            case "!":
                assertNull(row, "anomaly expected");
                assertEquals(StateMachine.Effect.ANOMALY, StateMachine.effect(state, stimulus));
                assertEquals(state, StateMachine.next(state, stimulus), "an anomaly keeps the state");
                break;
            case "=":
                assertEquals(StateMachine.Effect.IGNORED, StateMachine.effect(state, stimulus));
                assertEquals(state, StateMachine.next(state, stimulus));
                break;
            default:
                assertEquals(StateMachine.Effect.TRANSITION, StateMachine.effect(state, stimulus));
                assertEquals(ABBREVIATIONS.get(cell), StateMachine.next(state, stimulus));
        }
    }

    @Test
    void everyRowOfTheTableIsReachedByLookup() {
        for (TransitionTable.Row row : TransitionTable.rows()) {
            assertEquals(row, TransitionTable.lookup(row.from(), row.stimulus()));
        }
    }

    private static List<TcpState> run(TcpState start, Stimulus... stimuli) {
        List<TcpState> states = new ArrayList<>();
        TcpState s = start;
        for (Stimulus stimulus : stimuli) {
            assertEquals(StateMachine.Effect.TRANSITION, StateMachine.effect(s, stimulus), s + " on " + stimulus);
            s = StateMachine.next(s, stimulus);
            states.add(s);
        }
        return states;
    }

    @Test
    void activeCloseGoesThroughFinWait1ThenTimeWaitThenClosed() {
        assertEquals(List.of(SYN_SENT, ESTABLISHED, FIN_WAIT_1, TIME_WAIT, CLOSED),
                run(CLOSED, CONNECT, CONNECT_ESTABLISHED, CLOSE, ASSUMED_PEER_CLOSED, ASSUMED_2MSL_ELAPSED));
        assertEquals(List.of(FIN_WAIT_2, TIME_WAIT, CLOSED),
                run(FIN_WAIT_1, RCV_ACK_OF_FIN, RCV_FIN, TIMEOUT_2MSL), "as the kernel shows it");
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAckWithoutTimeWait() {
        assertEquals(List.of(ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED),
                run(SYN_RECEIVED, ACCEPT, READ_EOF, CLOSE, RCV_ACK_OF_FIN));
        assertEquals(List.of(CLOSE_WAIT, LAST_ACK), run(ESTABLISHED, RCV_FIN, SHUTDOWN_OUTPUT));
    }

    @Test
    void halfCloseThenEndOfStreamReachesTimeWait() {
        assertEquals(List.of(FIN_WAIT_1, TIME_WAIT), run(ESTABLISHED, SHUTDOWN_OUTPUT, READ_EOF));
        assertEquals(TIME_WAIT, StateMachine.next(TIME_WAIT, CLOSE), "close after the exchange only frees the fd");
        assertEquals(StateMachine.Effect.IGNORED, StateMachine.effect(TIME_WAIT, CLOSE));
    }

    @Test
    void abortAndResetGoStraightToClosed() {
        assertEquals(List.of(CLOSED), run(ESTABLISHED, ABORT));
        assertEquals(List.of(CLOSED), run(CLOSE_WAIT, ABORT));
        assertEquals(List.of(CLOSED), run(ESTABLISHED, RESET));
        assertEquals(List.of(SYN_SENT, CLOSED), run(CLOSED, CONNECT, CONNECT_FAILED));
    }

    @Test
    void listenerOpensAndCloses() {
        assertEquals(List.of(LISTEN, CLOSED), run(CLOSED, BIND_LISTEN, CLOSE));
    }

    @Test
    void simultaneousCloseIsOnlyVisibleToTheKernel() {
        assertEquals(List.of(CLOSING, TIME_WAIT), run(FIN_WAIT_1, RCV_FIN, RCV_ACK_OF_FIN));
        for (TransitionTable.Row row : TransitionTable.rows()) {
            if (row.to() == CLOSING && row.changesState()) {
                assertEquals(Source.KERNEL, row.stimulus().visibility(), row.toString());
            }
        }
    }

    @Test
    void garbageCollectionWithoutCloseActsLikeTheCleanersClose() {
        assertEquals(List.of(FIN_WAIT_1), run(ESTABLISHED, GARBAGE_COLLECTED));
        assertEquals(List.of(LAST_ACK), run(CLOSE_WAIT, GARBAGE_COLLECTED));
    }

    @Test
    void kernelChangesAreExplainedBySegmentsWhenOneStepApart() {
        assertEquals(RCV_FIN, TransitionTable.explainKernelChange(ESTABLISHED, CLOSE_WAIT));
        assertEquals(RCV_ACK_OF_FIN, TransitionTable.explainKernelChange(FIN_WAIT_1, FIN_WAIT_2));
        assertEquals(TIMEOUT_2MSL, TransitionTable.explainKernelChange(TIME_WAIT, CLOSED));
        assertEquals(RCV_FIN_ACK_OF_FIN, TransitionTable.explainKernelChange(FIN_WAIT_1, TIME_WAIT));
        assertNull(TransitionTable.explainKernelChange(ESTABLISHED, TIME_WAIT), "a sample that skipped states");
    }

    @Test
    void linuxStateCodesMapToRfcNames() {
        TcpState[] expected = {null, ESTABLISHED, SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT,
            CLOSED, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, null};
        for (int code = 0; code < expected.length; code++) {
            assertEquals(expected[code], TcpState.fromLinuxCode(code), "code " + code);
        }
    }
}
