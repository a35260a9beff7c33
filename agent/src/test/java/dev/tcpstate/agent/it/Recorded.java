package dev.tcpstate.agent.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The tcpstate.StateChange and StateChangeNoStack events of a recording, grouped by connection, in the order they were
 * committed; and its Anomaly, LingeringConnection and StateSummary events.
 */
public final class Recorded {

    /** One transition as read back from the recording. */
    public record Change(long connectionId, String from, String to, String source, String trigger, String stimulus,
            String abortCause,
            String localAddress, int localPort, String remoteAddress, int remotePort, String kind, String role,
            boolean hasStack, Instant startTime, long kernelTimer, List<String> frames) {

        /** Every field but the frames, which would bury the rest in a failure's message. */
        @Override
        public String toString() {
            return "Change[connectionId=" + connectionId + ", from=" + from + ", to=" + to + ", source=" + source
                    + ", trigger=" + trigger + ", stimulus=" + stimulus + ", abortCause=" + abortCause
                    + ", local=" + localAddress + ":" + localPort + ", remote=" + remoteAddress + ":" + remotePort
                    + ", kind=" + kind + ", role=" + role + ", hasStack=" + hasStack + ", startTime=" + startTime
                    + ", kernelTimer=" + kernelTimer + "]";
        }
    }

    private final Map<Long, List<Change>> byConnection = new LinkedHashMap<>();
    private final List<RecordedEvent> anomalies = new ArrayList<>();
    private final List<RecordedEvent> lingering = new ArrayList<>();
    private final List<RecordedEvent> summaries = new ArrayList<>();

    public static Recorded read(Path recording) throws IOException {
        Recorded r = new Recorded();
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (type.equals("tcpstate.Anomaly")) {
                r.anomalies.add(e);
            } else if (type.equals("tcpstate.LingeringConnection")) {
                r.lingering.add(e);
            } else if (type.equals("tcpstate.StateSummary")) {
                r.summaries.add(e);
            }
            if (!type.equals("tcpstate.StateChange") && !type.equals("tcpstate.StateChangeNoStack")) {
                continue;
            }
            Change c = new Change(e.getLong("connectionId"), e.getString("fromState"), e.getString("toState"),
                    e.getString("source"), e.getString("trigger"), e.getString("stimulus"), e.getString("abortCause"),
                    e.getString("localAddress"),
                    e.getInt("localPort"), e.getString("remoteAddress"), e.getInt("remotePort"),
                    e.getString("socketKind"), e.getString("role"), e.getStackTrace() != null, e.getStartTime(),
                    e.getLong("kernelTimer"), frames(e));
            r.byConnection.computeIfAbsent(c.connectionId(), k -> new ArrayList<>()).add(c);
        }
        return r;
    }

    /** {@code type.method} of each frame of the event's stack trace, innermost first; empty without one. */
    private static List<String> frames(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return List.of();
        }
        return e.getStackTrace().getFrames().stream()
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                .collect(Collectors.toList());
    }

    public Map<Long, List<Change>> connections() {
        return byConnection;
    }

    public List<RecordedEvent> anomalies() {
        return anomalies;
    }

    /** tcpstate.LingeringConnection events, in time order. */
    public List<RecordedEvent> lingering() {
        return lingering;
    }

    /** tcpstate.StateSummary events, in time order. */
    public List<RecordedEvent> summaries() {
        return summaries;
    }

    /** Connections whose local or remote port is {@code port} and whose role is {@code role}. */
    public List<List<Change>> withPort(int port, String role) {
        List<List<Change>> found = new ArrayList<>();
        for (List<Change> changes : byConnection.values()) {
            boolean matches = changes.stream().anyMatch(c -> c.role().equals(role)
                    && (c.localPort() == port || c.remotePort() == port));
            if (matches) {
                found.add(changes);
            }
        }
        return found;
    }

    /**
     * The states a connection went through, in order: each event's {@code toState}, after the SYN_SENT of
     * a blocking connect, whose one event (its return, from SYN_SENT) says it was there (docs/events.md).
     */
    public static List<String> toStates(List<Change> changes) {
        List<String> states = new ArrayList<>();
        if (!changes.isEmpty() && isConnectReturn(changes.get(0))) {
            states.add(changes.get(0).from());
        }
        changes.stream().map(Change::to).forEach(states::add);
        return states;
    }

    /**
     * The first change into {@code state}: what a test asks of one step, whether or not the connect
     * before it was one event (a blocking connect, or one that completed within its call) or two.
     */
    public static Change into(List<Change> changes, String state) {
        return changes.stream().filter(c -> c.to().equals(state)).findFirst()
                .orElseThrow(() -> new AssertionError("no change into " + state + ": " + changes));
    }

    /** The sources of the changes after the connect, whether that was one event or two. */
    public static List<String> sourcesAfterConnect(List<Change> changes) {
        return changes.stream()
                .filter(c -> !(c.source().equals("API") && (c.to().equals("SYN_SENT") || c.from().equals("SYN_SENT"))))
                .map(Change::source).collect(Collectors.toList());
    }

    /** A connect's return that is its only event: from SYN_SENT, the CLOSED to SYN_SENT folded into it. */
    public static boolean isConnectReturn(Change c) {
        return c.source().equals("API") && c.from().equals("SYN_SENT")
                && (c.stimulus().equals("CONNECT_ESTABLISHED") || c.stimulus().equals("CONNECT_FAILED"));
    }
}
