package dev.tcpstate.agent.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingFilesTest {

    @TempDir
    Path dir;

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aNewFileIsCreatedEmptyAndOwnerOnly() throws Exception {
        Path file = dir.resolve("new.jfr");
        assertEquals(RecordingFiles.Outcome.CREATED, RecordingFiles.ownerOnly(file));
        assertEquals("rw-------", mode(file));
        assertEquals(0, Files.size(file));
    }

    @Test
    void anExistingFileLosesGroupAndOtherPermissionsAndKeepsItsContent() throws Exception {
        Path file = Files.writeString(dir.resolve("old.jfr"), "older");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrw-rw-"));
        assertEquals(RecordingFiles.Outcome.RESTRICTED, RecordingFiles.ownerOnly(file));
        assertEquals("rw-------", mode(file));
        assertEquals("older", Files.readString(file));
    }
}
