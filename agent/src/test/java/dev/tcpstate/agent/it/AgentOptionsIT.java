package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the agent is switched on: its options, and recordings the user starts without them. */
class AgentOptionsIT {

    @TempDir
    Path dir;

    @Test
    void unknownOptionIsOneLineOnStderrAndTheApplicationStillRuns() throws Exception {
        ChildJvm run = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=bogus=1"),
                Scenarios.class.getName(), "active-close");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().contains("active-close: server got ping, then -1"), run.stdout());
        List<String> ours = run.stderr().lines().filter(l -> l.startsWith("tcpstate:")).toList();
        assertEquals(1, ours.size(), run.stderr());
        assertTrue(ours.get(0).contains("unknown option 'bogus'"), ours.get(0));
        assertFalse(run.stderr().contains("Exception"), run.stderr());
    }

    @Test
    void eventsAppearInARecordingTheUserStartsWithoutRecordOption() throws Exception {
        Path jfr = dir.resolve("user.jfr");
        ChildJvm run = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=kernelInterval=off,install=sync",
                "-XX:StartFlightRecording=filename=" + jfr), Scenarios.class.getName(), "active-close");
        assertEquals(0, run.exitCode(), run.stderr());
        Recorded recorded = Recorded.read(jfr);
        List<String> toStates = recorded.connections().values().stream()
                .filter(c -> c.get(0).role().equals("CLIENT")).findFirst().map(Recorded::toStates).orElseThrow();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), toStates);
    }

    @Test
    void withoutRecordTheAgentWeavesInTheBackgroundAndThenTracks() throws Exception {
        Path jfr = dir.resolve("async.jfr");
        ChildJvm run = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=kernelInterval=off,verbose=true",
                "-XX:StartFlightRecording=filename=" + jfr), Scenarios.class.getName(), "pause", "active-close");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("tcpstate: woven java.net.Socket#connect"), run.stderr());
        List<String> toStates = Recorded.read(jfr).connections().values().stream()
                .filter(c -> c.get(0).role().equals("CLIENT")).findFirst().map(Recorded::toStates).orElseThrow();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), toStates);
    }

    @Test
    void percentPInTheRecordingNameIsThePidSoForkedTestJvmsDoNotOverwriteEachOther() throws Exception {
        ChildJvm run = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=record=" + dir.resolve("fork-%p.jfr")
                + ",kernelInterval=off"), Scenarios.class.getName(), "refused");
        assertEquals(0, run.exitCode(), run.stderr());
        try (var files = java.nio.file.Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("fork-\\d+\\.jfr")), names.toString());
        }
    }

    /**
     * Sockets from the first millisecond while the agent weaves in the background, with a recording
     * on: once, an application thread initializing an event class while the installer registered it
     * deadlocked the JVM. The child must finish.
     */
    @Test
    void anApplicationBusyWithSocketsWhileTheAgentInstallsNeverDeadlocks() throws Exception {
        for (int run = 0; run < 3; run++) {
            ChildJvm child = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar(),
                    "-XX:StartFlightRecording=filename=" + dir.resolve("busy-" + run + ".jfr")),
                    Scenarios.class.getName(), "busy");
            assertEquals(0, child.exitCode(), child.stderr());
            assertTrue(child.stdout().contains("busy: cycled"), child.stdout());
        }
    }

    @Test
    void badDurationIsRejectedWithItsUnitHint() throws Exception {
        ChildJvm run = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=kernelInterval=fast"),
                Scenarios.class.getName(), "refused");
        assertEquals(0, run.exitCode());
        assertTrue(run.stderr().contains("tcpstate: agent not started: kernelInterval must be a number with ms, s or m"),
                run.stderr());
    }
}
