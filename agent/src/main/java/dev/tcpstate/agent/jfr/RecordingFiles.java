package dev.tcpstate.agent.jfr;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A recording's file readable and writable by its owner only ({@code rw-------}), whatever the
 * JVM's umask. JFR creates the files it writes with the umask's mode ({@code rw-r--r--} under the
 * usual 022), but writes into a file that already exists in place and keeps its mode (checked on
 * JDK 17 and 25, for a recording's destination and for {@code JFR.dump}): so the file is made
 * owner-only before JFR writes it. Used by the agent ({@code record=}) and by the attach command
 * line ({@code dump}, which runs in a JVM of the target's user).
 */
public final class RecordingFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** What {@link #ownerOnly} did. */
    public enum Outcome {
        /** created empty, owner-only: delete it if nothing is written after all */
        CREATED,
        /** it existed: group and others lost their permissions */
        RESTRICTED,
        /** the file system has no POSIX permissions (e.g. Windows): left to it */
        NOT_POSIX
    }

    private RecordingFiles() {
    }

    /**
     * Creates {@code file} empty with mode {@code rw-------} (atomically: no moment with a wider mode),
     * or sets an existing one to that mode.
     *
     * @throws IOException when the mode cannot be set (e.g. another user's file); the caller says so
     */
    public static Outcome ownerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            return Outcome.CREATED;
        } catch (UnsupportedOperationException noPosix) {
            return Outcome.NOT_POSIX;
        } catch (FileAlreadyExistsException exists) {
            try {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                return Outcome.RESTRICTED;
            } catch (UnsupportedOperationException noPosix) {
                return Outcome.NOT_POSIX;
            }
        }
    }
}
