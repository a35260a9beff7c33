package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.analyzer.fixture.FixtureRecordings;

class RecordingLoaderTest {
    @TempDir
    static Path dir;
    static Path recording;

    @BeforeAll
    static void record() throws IOException {
        recording = FixtureRecordings.closeWaitAndTimeWait(dir.resolve("fixture.jfr"));
    }

    @Test
    void readsEveryFieldOfTheContractByItsDeclaredUnit() throws Exception {
        LoadResult r = RecordingLoader.load(List.of(recording));
        TcpEvents e = r.events();
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals(7, e.stateChanges().size());

        StateChange connect = e.stateChanges().get(0);
        assertEquals(1, connect.connectionId());
        assertEquals(TcpState.CLOSED, connect.from());
        assertEquals(TcpState.SYN_SENT, connect.to());
        assertEquals(Source.API, connect.source());
        assertEquals("Socket.connect", connect.trigger());
        assertEquals(Stimulus.CONNECT, connect.stimulus());
        assertEquals("127.0.0.1", connect.local().address(), "IPv4-mapped addresses are shown as IPv4");
        assertEquals("127.0.0.1:8080", connect.remote().toString());
        assertEquals(Role.CLIENT, connect.role());
        assertEquals("Socket", connect.socketKind());
        assertFalse(connect.thread().isEmpty());
        assertTrue(connect.stack().frames().stream().anyMatch(f -> f.methodName().equals("openLeakyConnection")
                && f.className().equals(FixtureRecordings.class.getName()) && f.line() > 0), connect.stack().toString());

        StateChange rcvFin = e.stateChanges().stream().filter(c -> c.stimulus() == Stimulus.RCV_FIN).findFirst().orElseThrow();
        assertEquals(2_000_000L, rcvFin.previousStateNanos(), "@Timespan(NANOSECONDS) read as nanoseconds");
        StateChange timeWait = e.stateChanges().stream().filter(c -> c.to() == TcpState.TIME_WAIT).findFirst().orElseThrow();
        assertEquals(59_000L, timeWait.kernelTimerMillis(), "@Timespan(MILLISECONDS) read as milliseconds");
        assertEquals(-1L, connect.kernelTimerMillis());
        assertEquals(-1L, connect.stateAgeMillis(), "a field this fixture (like an older agent) does not write");
        assertEquals(null, connect.stateAgeBasis());

        LingeringSample s = e.lingering().get(1);
        assertEquals(3, s.connectionId());
        assertEquals(TcpState.CLOSE_WAIT, s.state());
        assertEquals(Source.KERNEL, s.source());
        assertEquals(30_000_000_000L, s.stateNanos());

        assertEquals(1, e.anomalies().size());
        assertEquals("READ_EOF", e.anomalies().get(0).stimulus());
        assertEquals(28232, e.summaries().get(0).ephemeralPorts());
        assertEquals(7, e.summaries().get(0).hostTimeWait());
        assertEquals(1, e.summaries().get(0).counts().get(TcpState.CLOSE_WAIT));

        assertEquals(1, e.spans().size());
        assertTrue(e.spans().get(0).jvm().startsWith("pid " + ProcessHandle.current().pid()), e.spans().get(0).jvm());
        assertTrue(e.spans().get(0).start() <= connect.time());
    }

    @Test
    void twoCopiesOfOneRecordingCountEachEventOnce() throws Exception {
        Path copy = Files.copy(recording, dir.resolve("copy.jfr"));
        TcpEvents twice = RecordingLoader.load(List.of(recording, copy)).events();
        assertEquals(7, twice.stateChanges().size());
    }

    @Test
    void aCompressedRecordingIsRead() throws Exception {
        Path gz = dir.resolve("fixture.jfr.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(recording, out);
        }
        assertEquals(7, RecordingLoader.load(List.of(gz)).events().stateChanges().size());
    }

    @Test
    void aMissingFileIsOneClearLine() {
        assertOneLine(dir.resolve("nope.jfr"), "no such file");
    }

    @Test
    void anEmptyFileIsOneClearLine() throws IOException {
        assertOneLine(Files.createFile(dir.resolve("empty.jfr")), "empty file");
    }

    @Test
    void aFileThatIsNotARecordingIsOneClearLine() throws IOException {
        assertOneLine(Files.writeString(dir.resolve("text.jfr"), "hello, not a recording\n"), "not a JFR recording");
    }

    @Test
    void aDirectoryIsOneClearLine() {
        assertOneLine(dir, "is a directory");
    }

    @Test
    void aRecordingWithoutOurEventsIsOneClearLine() throws IOException {
        Path other = FixtureRecordings.withoutTcpstateEvents(dir.resolve("other.jfr"));
        assertOneLine(other, "no tcpstate events");
    }

    @Test
    void aRecordingTruncatedInsideItsOnlyChunkIsOneClearLine() throws IOException {
        byte[] bytes = Files.readAllBytes(recording);
        Path cut = Files.write(dir.resolve("cut.jfr"), Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(cut, "damaged recording");
    }

    @Test
    void aTruncatedLastChunkIsSkippedWithAWarningAndTheRestIsRead() throws Exception {
        byte[] one = Files.readAllBytes(recording);
        Path twoChunks = dir.resolve("two-truncated.jfr");
        try (OutputStream out = Files.newOutputStream(twoChunks)) {
            out.write(one);
            out.write(FixtureOther.bytes(dir));
            out.write(one, 0, one.length / 3);
        }
        LoadResult r = RecordingLoader.load(List.of(twoChunks));
        assertEquals(7, r.events().stateChanges().size());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("incomplete chunk"), r.warnings().get(0));
        assertTrue(r.warnings().get(0).contains("the rest was read"), r.warnings().get(0));
    }

    @Test
    void aDamagedChunkIsSkippedWithAWarningAndTheOthersAreRead() throws Exception {
        byte[] one = Files.readAllBytes(recording);
        byte[] damaged = one.clone();
        long metadata = ByteBuffer.wrap(damaged).getLong(24);
        Arrays.fill(damaged, (int) metadata + 8, Math.min(damaged.length, (int) metadata + 200), (byte) 0x7f);
        Path file = dir.resolve("damaged-first.jfr");
        Files.write(file, damaged);
        Files.write(file, one, StandardOpenOption.APPEND);
        LoadResult r = RecordingLoader.load(List.of(file));
        assertEquals(7, r.events().stateChanges().size());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("damaged chunk"), r.warnings().get(0));
        assertFalse(r.warnings().get(0).contains("\n"));
    }

    @Test
    void garbageBetweenChunksIsSkippedAndTheNextChunkFound() throws Exception {
        byte[] one = Files.readAllBytes(recording);
        Path file = dir.resolve("garbage-between.jfr");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(FixtureOther.bytes(dir));
            out.write("some garbage in between".getBytes());
            out.write(one);
        }
        LoadResult r = RecordingLoader.load(List.of(file));
        assertEquals(7, r.events().stateChanges().size());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("do not start a chunk"), r.warnings().get(0));
    }

    @Test
    void severalRecordingsAreReadTogetherAndOneWithoutOurEventsIsAWarning() throws Exception {
        Path other = FixtureRecordings.withoutTcpstateEvents(dir.resolve("other2.jfr"));
        LoadResult r = RecordingLoader.load(List.of(recording, other));
        assertEquals(7, r.events().stateChanges().size());
        assertEquals(List.of(recording.toString(), other.toString()), r.files());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("no tcpstate events")), r.warnings().toString());
    }

    private static void assertOneLine(Path file, String expected) {
        UnreadableRecordingException e = assertThrows(UnreadableRecordingException.class,
                () -> RecordingLoader.load(new ArrayList<>(List.of(file))));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace to print");
    }

    /** A second, different chunk: a recording of this JVM without our events. */
    static final class FixtureOther {
        static byte[] bytes(Path dir) throws IOException {
            return Files.readAllBytes(FixtureRecordings.withoutTcpstateEvents(Files.createTempFile(dir, "other", ".jfr")));
        }
    }
}
