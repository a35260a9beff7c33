package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The recording that {@code record=<file>} starts: JDK defaults plus our events, written at exit
 * (or after {@code duration}); the attach command line dumps and stops it.
 */
public final class Recordings {

    private static Recording current;

    /** A recording's file that cannot be written; its message is the one line the user sees. */
    public static final class Unwritable extends IOException {
        private static final long serialVersionUID = 1L;

        Unwritable(String message) {
            super(message);
        }
    }

    private Recordings() {
    }

    /** Starts our recording; one already running is first stopped and written to its destination. */
    public static synchronized Path start(String file, Duration duration) throws IOException, ParseException {
        Path destination = Path.of(expand(file)).toAbsolutePath();
        Path directory = destination.getParent();
        if (directory != null && !java.nio.file.Files.isDirectory(directory)) {
            throw new Unwritable("cannot record to " + destination + ": there is no directory " + directory);
        }
        if (directory != null && !java.nio.file.Files.isWritable(directory)) {
            throw new Unwritable("cannot record to " + destination + ": directory " + directory
                    + " is not writable by this JVM's user");
        }
        stop();
        try {
            RecordingFiles.ownerOnly(destination);
        } catch (IOException | RuntimeException e) {
            // a recording readable by others beats no recording: say it, and record
            System.err.println("tcpstate: " + destination + " gets the JVM's default file mode, not owner-only: " + e);
        }
        Recording recording = new Recording(Configuration.getConfiguration("default"));
        recording.setName(EventNames.RECORDING);
        recording.enable(EventNames.STATE_CHANGE).withStackTrace();
        recording.enable(EventNames.STATE_CHANGE_NO_STACK).withoutStackTrace();
        recording.enable(EventNames.ANOMALY).withStackTrace();
        recording.setToDisk(true);
        try {
            recording.setDestination(destination);
        } catch (IOException e) {
            recording.close();
            throw new Unwritable("cannot record to " + destination + ": " + e.getMessage());
        }
        recording.setDumpOnExit(true);
        if (duration != null) {
            recording.setDuration(duration);
        }
        recording.start();
        current = recording;
        return destination;
    }

    /**
     * {@code %p} in a file name becomes the pid and {@code %t} the start time ({@code yyyy_MM_dd_HH_mm_ss}),
     * as in {@code -XX:StartFlightRecording:filename=}: one file per JVM when a build forks several.
     */
    static String expand(String file) {
        if (file.indexOf('%') < 0) {
            return file;
        }
        String time = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss"));
        return file.replace("%p", String.valueOf(ProcessHandle.current().pid())).replace("%t", time);
    }

    /** Where the running recording will be written; null when there is none. */
    public static synchronized String destination() {
        Path d = current == null ? null : current.getDestination();
        return d == null ? null : d.toString();
    }

    /** Stops our recording, writing it to its destination; null when there was none. */
    public static synchronized Path stop() {
        if (current == null) {
            return null;
        }
        Path destination = current.getDestination();
        try {
            if (current.getState() == jdk.jfr.RecordingState.RUNNING) {
                current.stop();
            }
        } finally {
            current.close();
            current = null;
        }
        return destination;
    }
}
