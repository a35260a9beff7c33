package dev.tcpstate.bench.process;

import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

/**
 * Not the analyzer: a measure of what reading only our events could cost (see {@link AnalyzerCompare}).
 * The JDK's own parser, subscribed to our four event types only, skips every other event by its size
 * without decoding it; this reads the fields the analyzer reads (ids, states, thread, stack frames).
 * The JDK's stream ends at a chunk flagged final, so on a file of several recordings concatenated it
 * reads the first recording only.
 *
 * <pre>StreamOurEvents FILE</pre>
 */
public final class StreamOurEvents {
    private static final String[] OUR_EVENTS = {"tcpstate.StateChange", "tcpstate.StateChangeNoStack", "tcpstate.Anomaly",
            "tcpstate.LingeringConnection", "tcpstate.StateSummary"};

    private static long events;
    private static long frames;
    private static final Set<Long> CONNECTIONS = new HashSet<>();

    private StreamOurEvents() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        try (EventStream stream = EventStream.openFile(Paths.get(args[0]))) {
            stream.setReuse(false);
            stream.setOrdered(false);
            for (String name : OUR_EVENTS) {
                stream.onEvent(name, StreamOurEvents::read);
            }
            stream.start();
        }
        System.out.printf(Locale.ROOT, "RESULT events=%d frames=%d distinct_connection_ids=%d load_ms=%.0f%n", events, frames,
                CONNECTIONS.size(), (System.nanoTime() - t0) / 1e6);
    }

    private static void read(RecordedEvent e) {
        events++;
        if (e.hasField("connectionId")) {
            CONNECTIONS.add(e.getLong("connectionId"));
        }
        if (e.hasField("toState")) {
            e.getString("toState");
        }
        RecordedThread t = e.getThread();
        if (t != null) {
            t.getJavaName();
        }
        RecordedStackTrace s = e.getStackTrace();
        if (s != null) {
            frames += s.getFrames().size();
        }
    }
}
