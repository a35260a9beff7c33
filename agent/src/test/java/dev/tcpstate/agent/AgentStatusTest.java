package dev.tcpstate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentStatusTest {

    /** Every outcome, with the words the attach command line has always printed for it (see the README). */
    static Stream<Arguments> everyOutcome() {
        return Stream.of(
                Arguments.of(AgentStatus.installing(), "installing in the background"),
                Arguments.of(AgentStatus.installed(3182, 33, "/tmp/incident.jfr"),
                        "installed in 3182 ms, woven 33 methods, recording to /tmp/incident.jfr"),
                Arguments.of(AgentStatus.installed(0, 33, null), "installed in 0 ms, woven 33 methods"),
                Arguments.of(AgentStatus.installedInBackground(812, 31), "installed in 812 ms in the background, woven 31 methods"),
                Arguments.of(AgentStatus.optionsApplied("/tmp/second.jfr"),
                        "already installed, options applied, recording to /tmp/second.jfr"),
                Arguments.of(AgentStatus.optionsApplied(null), "already installed, options applied"),
                Arguments.of(AgentStatus.running(33, 4), "installed, woven 33 methods, tracking 4 connections"),
                Arguments.of(AgentStatus.notInstalled(), "not installed"),
                Arguments.of(AgentStatus.nothingToStop(), "not installed, nothing to stop"),
                Arguments.of(AgentStatus.dumped("/tmp/now.jfr"), "recording written to /tmp/now.jfr"),
                Arguments.of(AgentStatus.stopped(true, "/tmp/incident.jfr"),
                        "stopped, original classes restored, recording written to /tmp/incident.jfr"),
                Arguments.of(AgentStatus.stopped(false, null), "stopped, original classes NOT restored"),
                Arguments.of(AgentStatus.failed("unknown option 'bogus' (known: record, ...)"),
                        "unknown option 'bogus' (known: record, ...)"));
    }

    @ParameterizedTest
    @MethodSource("everyOutcome")
    void eachOutcomeReadsAsBeforeAndCrossesJvmsUnchanged(AgentStatus status, String words) {
        assertEquals(words, status.describe());
        AgentStatus read = AgentStatus.parse(status.toProperty());
        assertEquals(status, read);
        assertEquals(words, read.describe());
        assertEquals(status.outcome() == AgentStatus.Outcome.FAILED, read.failed());
    }

    @Test
    void pathsAndMessagesWithSpacesEqualsSignsAndNonAsciiSurvive() {
        AgentStatus status = AgentStatus.dumped("/tmp/a dir/x=1,y=2 ünï.jfr");
        assertEquals(status, AgentStatus.parse(status.toProperty()));
        assertFalse(status.toProperty().contains("/tmp/a dir"), "one word per component: " + status.toProperty());
        AgentStatus failed = AgentStatus.failed("java.io.IOException: no space left\n  on device");
        assertEquals(failed, AgentStatus.parse(failed.toProperty()));
    }

    @Test
    void theSystemPropertiesOfAJvmWithoutTheAgentHoldNoStatus() {
        assertTrue(AgentStatus.in(new Properties()).isEmpty());
        Properties withStatus = new Properties();
        withStatus.setProperty(AgentStatus.PROPERTY, AgentStatus.running(33, 4).toProperty());
        assertEquals(AgentStatus.running(33, 4), AgentStatus.in(withStatus).orElseThrow());
    }

    @Test
    void theLiveStatusIsPublishedWhileInstalledAndWithdrawnAtStop() {
        try {
            AgentStatus.running(33, 7).publishLive();
            assertEquals(AgentStatus.running(33, 7), AgentStatus.liveIn(System.getProperties()).orElseThrow());
            assertTrue(AgentStatus.in(new Properties()).isEmpty(), "the last start's status is another property");
        } finally {
            AgentStatus.withdrawLive();
        }
        assertTrue(AgentStatus.liveIn(System.getProperties()).isEmpty());
    }

    @Test
    void aComponentOfALaterVersionIsPassedOver() {
        assertEquals(AgentStatus.running(33, 4),
                AgentStatus.parse("RUNNING installMillis=0 wovenMethods=33 connections=4 heapBytes=12345"));
    }

    @Test
    void theWordsOfAnAgentOfAnotherVersionAreNotAStatus() {
        for (String form : List.of("ok: installed in 3 ms, woven 33 methods", "error: dump needs file=<path>", "",
                "RUNNING wovenMethods=many", "RUNNING wovenMethods")) {
            assertThrows(IllegalArgumentException.class, () -> AgentStatus.parse(form), form);
        }
    }
}
