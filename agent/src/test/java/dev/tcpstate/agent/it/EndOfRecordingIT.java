package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording ends with what the kernel shows at its end: with a kernel interval far longer than the
 * run, the only sample after the application's active close is the one the agent takes as the
 * recording's last chunk ends at exit ({@code tcpstate.EndOfChunk}), and it finds the client in TIME_WAIT.
 */
class EndOfRecordingIT {

    @TempDir
    Path dir;

    @Test
    void theLastSampleAtExitShowsTheActiveCloseInTimeWait() throws Exception {
        Path jfr = dir.resolve("exit.jfr");
        Exited run = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=30s")
                .main(Scenarios.class, "active-close").run();
        assertEquals(0, run.exitCode(), run.stderr());

        Recorded r = Recorded.read(jfr);
        List<Change> client = r.connections().values().stream()
                .filter(c -> c.stream().anyMatch(e -> e.role().equals("CLIENT"))).findFirst().orElseThrow();
        Change last = client.get(client.size() - 1);
        assertEquals("TIME_WAIT", last.to(), Recorded.toStates(client).toString());
        assertEquals("KERNEL", last.source());

        List<RecordedEvent> ends = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("tcpstate.EndOfChunk")).toList();
        assertEquals(1, ends.size(), "one chunk, ended at exit");
        assertTrue(ends.get(0).getBoolean("kernelSampled"));
        assertTrue(!ends.get(0).getStartTime().isBefore(last.startTime()), "the marker follows the sample's events");
    }
}
