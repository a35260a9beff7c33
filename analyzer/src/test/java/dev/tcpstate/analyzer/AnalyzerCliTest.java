package dev.tcpstate.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.fixture.FixtureRecordings;

/** The command line, run in this JVM on a fixture recording: exit codes, options, messages. */
class AnalyzerCliTest {
    @TempDir
    static Path dir;
    static String recording;

    @BeforeAll
    static void record() throws IOException {
        // connection 1: opened by the fixture's code, a short CLOSE_WAIT; connection 3: re-stated as 30 s in CLOSE_WAIT
        recording = FixtureRecordings.closeWaitAndTimeWait(dir.resolve("fixture.jfr")).toString();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Analyzer.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aFindingOfAKindNamedByFailOnExitsWithOne() {
        Run r = run("report", recording, "--fail-on", "close-wait,time-wait");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("1 connection to 127.0.0.1:8080 held in CLOSE_WAIT for 30"), r.out());
        assertTrue(r.out().contains("confirmed by the kernel"), r.out());
        assertTrue(r.out().contains("opened at an unknown site (its event is not in the recording)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void theSiteIsTheFirstFrameOutsideTheJdkWithItsCallersBelow() {
        Run r = run("report", recording, "--close-wait-threshold", "1ns");
        assertEquals(0, r.code(), r.err());
        // the fixture's event helper stands where the agent's (skipped) frames stand in a real recording
        assertTrue(r.out().contains("opened at dev.tcpstate.analyzer.fixture.FixtureEvents.change:"), r.out());
        assertTrue(r.out().contains("at " + FixtureRecordings.class.getName() + ".openLeakyConnection:"), r.out());
    }

    @Test
    void findingsOfOtherKindsExitWithZero() {
        Run r = run("report", recording, "--fail-on", "time-wait");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("CLOSE_WAIT_LINGER"));
    }

    @Test
    void theThresholdFlagTakesAUnitAndChangesTheVerdict() {
        assertEquals(0, run("report", recording, "--close-wait-threshold", "2m", "--fail-on", "all").code());
        assertEquals(1, run("report", recording, "--close-wait-threshold", "29s", "--fail-on", "all").code());
        Run noUnit = run("report", recording, "--close-wait-threshold", "30");
        assertEquals(2, noUnit.code());
        assertTrue(noUnit.err().contains("'30' is not a duration"), noUnit.err());
        assertFalse(noUnit.err().contains("\tat "), noUnit.err());
    }

    @Test
    void anUnknownFailOnKindIsBadUsage() {
        Run r = run("report", recording, "--fail-on", "close-wiat");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown kind 'close-wiat'"), r.err());
        assertTrue(r.err().contains("(known: " + kinds() + ")"), r.err());
    }

    @Test
    void theFailOnHelpNamesTheKindOfEveryFinding() {
        Run r = run("report", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("is found: " + kinds() + " (comma-separated)"), help);
    }

    private static String kinds() {
        return Findings.types().stream().map(FindingType::kind).collect(Collectors.joining(", ")) + ", all";
    }

    @Test
    void badInputIsOneLineOnStderrAndExitTwo() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jfr"));
        Path text = Files.writeString(dir.resolve("notes.jfr"), "not a recording");
        for (String file : new String[] {empty.toString(), text.toString(), dir.resolve("missing.jfr").toString()}) {
            Run r = run("report", file);
            assertEquals(2, r.code(), file);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("tcpstate-analyzer: " + file + ": "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void noCommandIsBadUsage() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("name a command"), r.err());
    }

    @Test
    void jsonGoesToTheOutputFile() throws IOException {
        Path out = dir.resolve("report.json");
        Run r = run("report", recording, "--format", "json", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertEquals("CLOSE_WAIT_LINGER", json.get("findings").get(0).get("type").asText());
        assertEquals(1, json.get("anomalies").asInt());
    }

    @Test
    void connectionsListsEachTimelineAndFilters() {
        Run all = run("connections", recording);
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("3 of 3 connections shown"), all.out());
        assertTrue(all.out().contains("opened: Socket.connect at dev.tcpstate.analyzer.fixture.FixtureEvents.change"), all.out());
        assertTrue(all.out().contains("re-stated by LingeringConnection"), all.out());

        Run timeWait = run("connections", recording, "--state", "time-wait");
        assertTrue(timeWait.out().contains("1 of 3 connections shown"), timeWait.out());
        assertTrue(timeWait.out().contains("#2 "), timeWait.out());

        Run byPeer = run("connections", recording, "--remote", "localhost:8080");
        assertTrue(byPeer.out().contains("3 of 3 connections shown"), byPeer.out());
        Run otherPort = run("connections", recording, "--remote", "127.0.0.1:9");
        assertTrue(otherPort.out().contains("0 of 3 connections shown"), otherPort.out());

        Run badState = run("connections", recording, "--state", "HALF_OPEN");
        assertEquals(2, badState.code());
    }
}
