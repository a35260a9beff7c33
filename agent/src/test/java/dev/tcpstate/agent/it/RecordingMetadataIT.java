package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.EventType;
import jdk.jfr.Timespan;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What JDK Mission Control will show: every tcpstate event type in a real recording has a label, a
 * description and a category; every field a label; every duration a unit. The recording is started
 * with the shipped {@code tcpstate.jfc} next to the JDK's defaults, and must contain our events.
 */
class RecordingMetadataIT {

    @TempDir
    static Path dir;

    static List<EventType> ours = new ArrayList<>();
    static Path recording;

    @BeforeAll
    static void record() throws Exception {
        recording = dir.resolve("metadata.jfr");
        Path jfc = Path.of(System.getProperty("tcpstate.jfc", "target/tcpstate.jfc")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jfc), "the settings file ships next to the agent jar: " + jfc);
        Exited run = ChildJvm.java().jvmArgs("-XX:StartFlightRecording:settings=default,settings=" + jfc + ",filename="
                + recording).agent("install=sync,kernelInterval=200ms")
                .main(Scenarios.class, "active-close", "pause", "pause", "active-close").run();
        assertEquals(0, run.exitCode(), run.stderr());
        try (RecordingFile file = new RecordingFile(recording)) {
            for (EventType t : file.readEventTypes()) {
                if (t.getName().startsWith("tcpstate.")) {
                    ours.add(t);
                }
            }
        }
    }

    @Test
    void theSettingsFileTurnsOnEveryTcpstateEvent() throws Exception {
        Set<String> names = new TreeSet<>();
        ours.forEach(t -> names.add(t.getName()));
        assertEquals(Set.of("tcpstate.Anomaly", "tcpstate.EndOfChunk", "tcpstate.LibraryCall",
                "tcpstate.LingeringConnection", "tcpstate.StateChange", "tcpstate.StateChangeNoStack",
                "tcpstate.StateSummary"), names);
        String settings = Files.readString(Path.of(System.getProperty("tcpstate.jfc", "target/tcpstate.jfc")));
        for (String name : names) {
            assertTrue(settings.contains("<event name=\"" + name + "\">"), "the settings file names " + name);
        }
        Set<String> seen = new TreeSet<>();
        RecordingFile.readAllEvents(recording).forEach(e -> seen.add(e.getEventType().getName()));
        assertTrue(seen.contains("tcpstate.StateChange"), seen.toString());
        assertTrue(seen.contains("tcpstate.StateSummary"), "the 5 s period ran during the 6 s pause: " + seen);
    }

    /**
     * The transitions the application's calls made carry that call's stack, and only they: the
     * peer's and the kernel's go to the stackless type, with the same fields.
     */
    @Test
    void aStackOnlyOnTheTransitionsTheApplicationsCallsMade() throws Exception {
        int withStack = 0;
        int without = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            String type = e.getEventType().getName();
            if (type.equals("tcpstate.StateChange")) {
                withStack++;
                assertTrue(Stimulus.parse(e.getString("stimulus")).namesCode(), e.toString());
                assertNotNull(e.getStackTrace(), e.toString());
                assertTrue(e.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().startsWith(Scenarios.class.getName())),
                        "the scenario's own call is on the stack: " + e);
            } else if (type.equals("tcpstate.StateChangeNoStack")) {
                without++;
                Stimulus s = Stimulus.parse(e.getString("stimulus"));
                assertFalse(s != null && s.namesCode(), e.toString());
                assertEquals(null, e.getStackTrace(), e.toString());
            }
        }
        // two active closes: connect, accept, two closes each with a stack; connect returned, EOF and the kernel's without
        assertTrue(withStack >= 8, "events with a stack: " + withStack);
        assertTrue(without >= 4, "events without: " + without);
        List<String> fields = new ArrayList<>();
        List<String> fieldsNoStack = new ArrayList<>();
        for (EventType t : ours) {
            List<String> names = t.getName().equals("tcpstate.StateChange") ? fields
                    : t.getName().equals("tcpstate.StateChangeNoStack") ? fieldsNoStack : new ArrayList<>();
            t.getFields().forEach(f -> names.add(f.getName() + ":" + f.getTypeName()));
        }
        assertFalse(fields.isEmpty());
        assertEquals(fields, fieldsNoStack, "the two state-change types have the same fields");
    }

    @Test
    void everyEventTypeHasLabelDescriptionAndCategory() {
        assertFalse(ours.isEmpty());
        for (EventType t : ours) {
            assertNotNull(t.getLabel(), t.getName() + " label");
            assertNotNull(t.getDescription(), t.getName() + " description");
            assertEquals(List.of("Java Application", "TCP Connections"), t.getCategoryNames(), t.getName());
        }
    }

    @Test
    void everyFieldHasALabelAndEveryDurationAUnit() {
        for (EventType t : ours) {
            for (ValueDescriptor f : t.getFields()) {
                String where = t.getName() + "." + f.getName();
                assertNotNull(f.getLabel(), where + " label");
                boolean looksLikeTime = f.getName().endsWith("Duration") || f.getName().endsWith("Age")
                        || f.getName().endsWith("Timer");
                if (looksLikeTime) {
                    assertNotNull(f.getAnnotation(Timespan.class), where + " needs @Timespan");
                    assertEquals("long", f.getTypeName(), where);
                }
            }
        }
    }
}
