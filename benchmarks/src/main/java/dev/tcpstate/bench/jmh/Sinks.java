package dev.tcpstate.bench.jmh;

import dev.tcpstate.agent.jfr.JfrEventSink;
import dev.tcpstate.agent.registry.EventSink;
import java.io.IOException;
import java.text.ParseException;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The event sinks the registry benchmarks run against, each a JMH parameter value: no sink at all,
 * the real JFR sink with no recording running, and with a recording (JDK's {@code default} settings)
 * in which our events are disabled, enabled as shipped (with stack traces), or enabled without stack
 * traces.
 */
public enum Sinks {
    NONE, JFR_NO_RECORDING, JFR_EVENTS_DISABLED, JFR_DEFAULT, JFR_NO_STACK;

    private static final String[] OUR_EVENTS = {"tcpstate.StateChange", "tcpstate.StateChangeNoStack",
            "tcpstate.Anomaly"};

    EventSink sink() {
        return this == NONE ? EventSink.NONE : new JfrEventSink();
    }

    /** The recording this variant runs under, started; {@code null} when it runs none. */
    Recording startRecording() throws IOException, ParseException {
        if (this == NONE || this == JFR_NO_RECORDING) {
            return null;
        }
        Map<String, String> settings = Configuration.getConfiguration("default").getSettings();
        for (String event : OUR_EVENTS) {
            if (this == JFR_EVENTS_DISABLED) {
                settings.put(event + "#enabled", "false");
            } else if (this == JFR_NO_STACK) {
                settings.put(event + "#stackTrace", "false");
            }
        }
        Recording r = new Recording(settings);
        r.setName("tcpstate-jmh");
        r.setToDisk(true);
        r.setMaxSize(64L << 20); // millions of events a second: keep the repository small
        r.start();
        return r;
    }
}
