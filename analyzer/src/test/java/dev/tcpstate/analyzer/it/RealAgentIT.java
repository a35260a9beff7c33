package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;

/**
 * Recordings made by the real agent jar, of real loopback sockets ({@link LoopbackScenarios}), on
 * the JDK that runs this test, analysed by the real analyzer jar with {@code java -jar}.
 */
class RealAgentIT {
    static final String SCENARIO = LoopbackScenarios.class.getName();
    static final Duration LIMIT = Duration.ofSeconds(180);

    @TempDir
    static Path dir;
    static Path closeWait;
    static Path timeWait;
    static Path reset;
    static Path halfClose;
    static Path healthy;

    @BeforeAll
    static void record() throws Exception {
        closeWait = record("close-wait", "3", "1500");
        timeWait = record("time-wait", "300");
        reset = record("reset", "5");
        halfClose = record("half-close", "2", "1500");
        healthy = record("healthy", "20");
    }

    static Path record(String scenario, String... args) throws Exception {
        return record(dir.resolve(scenario + ".jfr"), List.of(), scenario, args);
    }

    static Path record(Path jfr, List<String> jvmOptions, String scenario, String... args) throws Exception {
        Exited r = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=off").jvmArgs(jvmOptions).testClasspath()
                .main(SCENARIO, scenario).args(args).run(LIMIT);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("done " + scenario), r.stdout());
        assertTrue(Files.size(jfr) > 0, "no recording written");
        return jfr;
    }

    /** {@code java -jar tcpstate-analyzer.jar args}. */
    static Exited analyze(String... args) throws Exception {
        return ChildJvm.java().jar(Artifacts.analyzerJar(), args).run(LIMIT);
    }

    static JsonNode json(Path recording, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("report", recording.toString(), "--format", "json"));
        args.addAll(Arrays.asList(options));
        Exited r = analyze(args.toArray(String[]::new));
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.stderr());
        return new ObjectMapper().readTree(r.stdout());
    }

    static List<JsonNode> findings(JsonNode report, String type) {
        List<JsonNode> list = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("type").asText().equals(type)) {
                list.add(f);
            }
        });
        return list;
    }

    @Test
    void aCloseWaitLeakIsReportedAtTheCodeThatOpenedItAndFailsTheBuild() throws Exception {
        Exited r = analyze("report", closeWait.toString(), "--close-wait-threshold", "1s", "--fail-on", "close-wait");
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().matches("(?s).*3 connections to 127\\.0\\.0\\.1:\\d+ held in CLOSE_WAIT for up to .*"), r.stdout());
        assertTrue(r.stdout().contains("opened at " + SCENARIO + ".leakCloseWait:"), r.stdout());
        assertTrue(r.stdout().contains("at " + SCENARIO + ".main:"), r.stdout());
        assertFalse(r.stdout().contains("java.net.Socket"), "JDK frames are not the site");

        JsonNode f = findings(json(closeWait, "--close-wait-threshold", "1s"), "CLOSE_WAIT_LINGER").get(0);
        assertEquals(3, f.get("count").asInt());
        assertTrue(f.get("measures").get("longestNanos").asLong() >= 1_000_000_000L);
        assertEquals(3, f.get("measures").get("stillOpen").asInt());
        JsonNode c = f.get("connections").get(0);
        assertTrue(c.get("local").asText().matches("127\\.0\\.0\\.1:\\d+"), c.toString());
        assertEquals(f.get("peer").asText(), c.get("remote").asText());
        assertEquals("API", c.get("source").asText(), "kernel view off: inferred from read EOF");
        assertTrue(f.get("site").get("frame").asText().startsWith(SCENARIO + ".leakCloseWait:"));
    }

    /** Both jars say the build's version (the agent's, the analyzer's), not a constant or "development build". */
    @Test
    void bothJarsSayTheBuildsVersion() throws Exception {
        Exited analyzer = analyze("--version");
        Exited agent = ChildJvm.java().jar(Artifacts.agentJar(), "--version").run(LIMIT);
        assertEquals(0, analyzer.exitCode(), analyzer.stderr());
        assertEquals(0, agent.exitCode(), agent.stderr());
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("tcpstate-analyzer (\\d+\\.\\d+\\.\\d+\\S*)\\s*")
                .matcher(analyzer.stdout());
        assertTrue(a.matches(), analyzer.stdout());
        assertEquals("tcpstate agent " + a.group(1), agent.stdout().strip());
    }

    @Test
    void theDefaultThresholdIgnoresAShortCloseWait() throws Exception {
        assertEquals(0, analyze("report", closeWait.toString(), "--fail-on", "close-wait").exitCode());
    }

    @Test
    void aTimeWaitStormIsReportedAtTheCodeThatClosedFirst() throws Exception {
        JsonNode report = json(timeWait, "--time-wait-threshold", "100", "--fail-on", "time-wait");
        assertTrue(report.get("failed").asBoolean());
        JsonNode f = findings(report, "TIME_WAIT_ACCUMULATION").get(0);
        assertEquals(300, f.get("count").asInt());
        assertEquals(300, f.get("measures").get("peak").asInt(), "all within 60 s of each other");
        assertEquals(0, f.get("measures").get("kernelObserved").asInt());
        assertTrue(f.get("measures").get("portRangeFraction").asDouble() > 0);
        assertEquals("closed", f.get("site").get("role").asText());
        assertTrue(f.get("site").get("frame").asText().startsWith(SCENARIO + ".closeFirst:"), f.get("site").toString());
        assertTrue(findings(report, "CLOSE_WAIT_LINGER").isEmpty());
    }

    @Test
    void closesWithSoLingerZeroAreResetsOnClose() throws Exception {
        JsonNode report = json(reset);
        JsonNode f = findings(report, "RESET_ON_CLOSE").get(0);
        assertEquals(5, f.get("count").asInt());
        assertEquals("INFO", f.get("severity").asText());
        assertEquals(5, f.get("measures").get("lingerZero").asInt());
        assertTrue(f.get("site").get("frame").asText().startsWith(SCENARIO + ".resetOnClose:"), f.get("site").toString());
        assertTrue(findings(report, "TIME_WAIT_ACCUMULATION").isEmpty());
    }

    @Test
    void aHalfCloseThePeerNeverAnswersIsAFinWait2Linger() throws Exception {
        JsonNode f = findings(json(halfClose, "--fin-wait-2-threshold", "1s"), "FIN_WAIT_2_LINGER").get(0);
        assertEquals(2, f.get("count").asInt());
        assertTrue(f.get("site").get("frame").asText().startsWith(SCENARIO + ".halfClose:"), f.get("site").toString());
    }

    @Test
    void aHealthyRunHasNoFindingsAndPasses() throws Exception {
        Exited r = analyze("report", healthy.toString(), "--fail-on", "all");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("No findings."), r.stdout());
        Exited junit = analyze("report", healthy.toString(), "--format", "junit");
        assertTrue(junit.stdout().contains("failures=\"0\""), junit.stdout());
    }

    @Test
    void severalRecordingsAreAnalysedTogether() throws Exception {
        Exited r = analyze("report", closeWait.toString(), timeWait.toString(), "--close-wait-threshold", "1s",
                "--time-wait-threshold", "100", "--fail-on", "close-wait,time-wait");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("tcpstate report: 2 recordings"), r.stdout());
        assertTrue(r.stdout().contains("CLOSE_WAIT_LINGER") && r.stdout().contains("TIME_WAIT_ACCUMULATION"), r.stdout());
    }

    @Test
    void aTruncatedRealRecordingIsOneLineAndExitTwo() throws Exception {
        byte[] bytes = Files.readAllBytes(closeWait);
        Path cut = Files.write(dir.resolve("cut.jfr"), Arrays.copyOf(bytes, bytes.length - 1000));
        Exited r = analyze("report", cut.toString());
        assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("damaged recording"), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void connectionsShowsTheTimelineOfEachConnection() throws Exception {
        Exited r = analyze("connections", closeWait.toString(), "--state", "CLOSE_WAIT");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("opened: Socket.connect at " + SCENARIO + ".leakCloseWait:"), r.stdout());
        assertTrue(r.stdout().contains("CLOSE_WAIT"), r.stdout());
        assertTrue(r.stdout().contains("still, at the end of the recording"), r.stdout());
    }
}
