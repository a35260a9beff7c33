package dev.tcpstate.analyzer.load;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Everything of ours that one or more recordings hold, in time order. Reading the same events twice
 * (two dumps of one JVM's ring buffer, or overlapping chunks) keeps one copy of each.
 *
 * @param typesSeen our event types the recordings' metadata declares, even when none was written
 */
public record TcpEvents(
        List<StateChange> stateChanges,
        List<Anomaly> anomalies,
        List<LingeringSample> lingering,
        List<StateSummarySample> summaries,
        List<LibraryCall> libraryCalls,
        List<RecordingSpan> spans,
        List<String> typesSeen) {

    public TcpEvents {
        stateChanges = sortedDistinct(stateChanges, Comparator.comparingLong(StateChange::time));
        anomalies = sortedDistinct(anomalies, Comparator.comparingLong(Anomaly::time));
        lingering = sortedDistinct(lingering, Comparator.comparingLong(LingeringSample::time));
        summaries = sortedDistinct(summaries, Comparator.comparingLong(StateSummarySample::time));
        libraryCalls = sortedDistinct(libraryCalls, Comparator.comparingLong(LibraryCall::time));
        spans = mergeSpans(spans);
        typesSeen = List.copyOf(new LinkedHashSet<>(typesSeen));
    }

    public static final TcpEvents EMPTY = new TcpEvents(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());

    /** Whether the recordings hold any event of ours, or at least declare our event types. */
    public boolean hasTcpstateData() {
        return !typesSeen.isEmpty() || eventCount() > 0;
    }

    public int eventCount() {
        return stateChanges.size() + anomalies.size() + lingering.size() + summaries.size() + libraryCalls.size();
    }

    /** The span of the given JVM run, or {@code null} when none was read. */
    public RecordingSpan span(String jvm) {
        for (RecordingSpan s : spans) {
            if (s.jvm().equals(jvm)) {
                return s;
            }
        }
        return null;
    }

    public static TcpEvents merge(Collection<TcpEvents> parts) {
        List<StateChange> changes = new ArrayList<>();
        List<Anomaly> anomalies = new ArrayList<>();
        List<LingeringSample> lingering = new ArrayList<>();
        List<StateSummarySample> summaries = new ArrayList<>();
        List<LibraryCall> calls = new ArrayList<>();
        List<RecordingSpan> spans = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (TcpEvents p : parts) {
            changes.addAll(p.stateChanges);
            anomalies.addAll(p.anomalies);
            lingering.addAll(p.lingering);
            summaries.addAll(p.summaries);
            calls.addAll(p.libraryCalls);
            spans.addAll(p.spans);
            types.addAll(p.typesSeen);
        }
        return new TcpEvents(changes, anomalies, lingering, summaries, calls, spans, types);
    }

    private static <T> List<T> sortedDistinct(List<T> items, Comparator<T> order) {
        List<T> list = new ArrayList<>(new LinkedHashSet<>(items));
        list.sort(order); // stable: events of one instant keep the order they were read in
        return List.copyOf(list);
    }

    private static List<RecordingSpan> mergeSpans(List<RecordingSpan> spans) {
        Map<String, RecordingSpan> byJvm = new LinkedHashMap<>();
        for (RecordingSpan s : spans) {
            byJvm.merge(s.jvm(), s, RecordingSpan::union);
        }
        return List.copyOf(byJvm.values());
    }
}
