package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
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
        Exited run = ChildJvm.java().agent("bogus=1").main(Scenarios.class, "active-close").run();
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
        Exited run = ChildJvm.java().agent("kernelInterval=off,install=sync").jvmArgs("-XX:StartFlightRecording=filename="
                + jfr).main(Scenarios.class, "active-close").run();
        assertEquals(0, run.exitCode(), run.stderr());
        Recorded recorded = Recorded.read(jfr);
        List<String> toStates = recorded.connections().values().stream()
                .filter(c -> c.get(0).role().equals("CLIENT")).findFirst().map(Recorded::toStates).orElseThrow();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), toStates);
    }

    @Test
    void withoutRecordTheAgentWeavesInTheBackgroundAndThenTracks() throws Exception {
        Path jfr = dir.resolve("async.jfr");
        Exited run = ChildJvm.java().agent("kernelInterval=off,verbose=true").jvmArgs("-XX:StartFlightRecording=filename="
                + jfr).main(Scenarios.class, "pause", "active-close").run();
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("tcpstate: woven java.net.Socket#connect"), run.stderr());
        List<String> toStates = Recorded.read(jfr).connections().values().stream()
                .filter(c -> c.get(0).role().equals("CLIENT")).findFirst().map(Recorded::toStates).orElseThrow();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), toStates);
    }

    @Test
    void percentPInTheRecordingNameIsThePidSoForkedTestJvmsDoNotOverwriteEachOther() throws Exception {
        Exited run = ChildJvm.java().agent("record=" + dir.resolve("fork-%p.jfr") + ",kernelInterval=off")
                .main(Scenarios.class, "refused").run();
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
            Exited child = ChildJvm.java().agent("").jvmArgs("-XX:StartFlightRecording=filename="
                    + dir.resolve("busy-" + run + ".jfr")).main(Scenarios.class, "busy").run();
            assertEquals(0, child.exitCode(), "stdout:\n" + child.stdout() + "\nstderr:\n" + child.stderr());
            assertTrue(child.stdout().contains("busy: cycled"), child.stdout());
        }
    }

    @Test
    void badDurationIsRejectedWithItsUnitHint() throws Exception {
        Exited run = ChildJvm.java().agent("kernelInterval=fast").main(Scenarios.class, "refused").run();
        assertEquals(0, run.exitCode());
        assertTrue(run.stderr().contains("tcpstate: agent not started: kernelInterval: 'fast' is not a duration: give a"
                + " number and a unit, e.g. 500ms, 5s, 2m; or off"), run.stderr());
    }
}
