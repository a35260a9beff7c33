package dev.tcpstate.agent.reliability;

import dev.tcpstate.agent.state.TransitionTable;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A recording's {@code tcpstate.StateChange} and {@code tcpstate.StateChangeNoStack} events grouped by connection, each with the thread that
 * committed it, and the checks every timeline must pass: each event is a row of the state machine
 * (or, from the kernel, any change), and each starts where the previous one ended.
 */
public final class Timeline {

    /** One transition as read back, with its thread. */
    public record Change(long connectionId, long startNanos, String from, String to, String source, String trigger,
            String stimulus, int localPort, String remoteAddress, int remotePort, String kind, String role,
            String thread, boolean hasStack, List<String> frames) {
    }

    public final Map<Long, List<Change>> connections = new LinkedHashMap<>();
    public final List<RecordedEvent> anomalies = new ArrayList<>();
    /** The last {@code tcpstate.StateSummary}, or null. */
    public RecordedEvent lastSummary;
    public long events;

    public static Timeline read(Path recording) throws IOException {
        return read(recording, false);
    }

    /** With {@code keepFrames}, each change keeps the classes of its stack frames, innermost first. */
    static Timeline read(Path recording, boolean keepFrames) throws IOException {
        Timeline t = new Timeline();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                switch (type) {
                    case "tcpstate.StateChange", "tcpstate.StateChangeNoStack":
                        t.events++;
                        t.connections.computeIfAbsent(e.getLong("connectionId"), k -> new ArrayList<>()).add(change(e, keepFrames));
                        break;
                    case "tcpstate.Anomaly":
                        t.anomalies.add(e);
                        break;
                    case "tcpstate.StateSummary":
                        if (t.lastSummary == null || e.getStartTime().isAfter(t.lastSummary.getStartTime())) {
                            t.lastSummary = e;
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        // One connection's events are committed under its monitor, in order; the chunk order across
        // threads is not that order, their start times are.
        for (List<Change> changes : t.connections.values()) {
            changes.sort(Comparator.comparingLong(Change::startNanos));
        }
        return t;
    }

    private static Change change(RecordedEvent e, boolean keepFrames) {
        RecordedThread thread = e.getThread();
        String threadName = thread == null ? "" : String.valueOf(thread.getJavaName());
        java.time.Instant start = e.getStartTime();
        List<String> frames = List.of();
        if (keepFrames && e.getStackTrace() != null) {
            frames = new ArrayList<>();
            for (jdk.jfr.consumer.RecordedFrame f : e.getStackTrace().getFrames()) {
                frames.add(f.getMethod().getType().getName());
            }
        }
        return new Change(e.getLong("connectionId"), start.getEpochSecond() * 1_000_000_000L + start.getNano(),
                e.getString("fromState"), e.getString("toState"), e.getString("source"), e.getString("trigger"),
                e.getString("stimulus"), e.getInt("localPort"), e.getString("remoteAddress"), e.getInt("remotePort"),
                e.getString("socketKind"), e.getString("role"), threadName, e.getStackTrace() != null, frames);
    }

    /** Connections whose role is {@code role} and whose local or remote port is {@code port}. */
    public List<List<Change>> withPort(String role, int port) {
        List<List<Change>> found = new ArrayList<>();
        for (List<Change> changes : connections.values()) {
            Change first = changes.get(0);
            if (first.role().equals(role) && (first.localPort() == port || first.remotePort() == port)) {
                found.add(changes);
            }
        }
        return found;
    }

    public static String last(List<Change> changes) {
        return changes.get(changes.size() - 1).to();
    }

    /**
     * What is wrong with one connection's timeline, or an empty list: the first event leaves the
     * state a connection of its role starts in (or is a blocking connect's return, from SYN_SENT); every API or EXPECTED event is a row of
     * {@link TransitionTable} that changes state; a KERNEL event may jump anywhere; each event's
     * {@code fromState} is the previous event's {@code toState} (none lost, none twice).
     */
    static List<String> problems(List<Change> changes) {
        List<String> problems = new ArrayList<>();
        Change first = changes.get(0);
        String start = first.role().equals("SERVER") ? "SYN_RECEIVED" : "CLOSED";
        // a blocking connect's one event is its return: the connection was in SYN_SENT before it
        if (!first.kind().equals("Kernel") && !first.from().equals(start) && !(first.source().equals("API") && first.from().equals("SYN_SENT")
                && (first.stimulus().equals("CONNECT_ESTABLISHED") || first.stimulus().equals("CONNECT_FAILED")))) {
            problems.add("starts from " + first.from() + ", not " + start);
        }
        String previous = null;
        for (Change c : changes) {
            if (previous != null && !c.from().equals(previous)) {
                problems.add("from " + c.from() + " after an event that ended in " + previous + " (" + c.trigger() + ")");
            }
            if (c.from().equals(c.to())) {
                problems.add("no change: " + c.from() + " -> " + c.to() + " (" + c.trigger() + ")");
            }
            if (!c.source().equals("KERNEL")) {
                TransitionTable.Row row;
                try {
                    row = TransitionTable.lookup(TcpState.valueOf(c.from()), Stimulus.valueOf(c.stimulus()));
                } catch (IllegalArgumentException e) {
                    row = null;
                }
                if (row == null || !row.changesState() || !row.to().name().equals(c.to())) {
                    problems.add("not a row of the state machine: " + c.from() + " --" + c.stimulus() + "--> "
                            + c.to() + " (" + c.source() + ", " + c.trigger() + ")");
                }
            }
            previous = c.to();
        }
        return problems;
    }

    /** Every problem of every connection, each line naming its connection; empty when all are valid paths. */
    public static List<String> problems(Iterable<List<Change>> timelines) {
        List<String> all = new ArrayList<>();
        for (List<Change> changes : timelines) {
            for (String p : problems(changes)) {
                all.add("#" + changes.get(0).connectionId() + " " + changes.get(0).role() + " " + p + ": "
                        + describe(changes));
            }
        }
        return all;
    }

    /**
     * How far along its life a state is, from opening (CLOSED is also the end: compare it apart): a kernel
     * sample may skip states forwards,
     * never move a connection back.
     */
    static int rank(String state) {
        switch (state) {
            case "CLOSED": return 0;
            case "LISTEN": case "SYN_SENT": case "SYN_RECEIVED": return 1;
            case "ESTABLISHED": return 2;
            case "CLOSE_WAIT": case "FIN_WAIT_1": return 3;
            case "FIN_WAIT_2": case "CLOSING": case "LAST_ACK": return 4;
            case "TIME_WAIT": return 5;
            default: return -1;
        }
    }

    public static String describe(List<Change> changes) {
        StringBuilder sb = new StringBuilder();
        for (Change c : changes) {
            sb.append(sb.length() == 0 ? c.from() : "").append(" -[").append(c.source()).append(' ')
                    .append(c.trigger()).append(" @").append(c.thread()).append("]-> ").append(c.to());
        }
        return sb.toString();
    }
}
