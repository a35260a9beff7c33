package dev.tcpstate.agent.jfr;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/** The recording that {@code record=<file>} starts: JDK defaults plus our events, written at exit. */
public final class Recordings {

    private Recordings() {
    }

    public static Recording startAtLaunch(String file) throws IOException, ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("default"));
        recording.setName("tcpstate");
        recording.enable("tcpstate.StateChange").withStackTrace();
        recording.enable("tcpstate.Anomaly").withStackTrace();
        recording.setToDisk(true);
        recording.setDestination(Path.of(file).toAbsolutePath());
        recording.setDumpOnExit(true);
        recording.start();
        return recording;
    }
}
