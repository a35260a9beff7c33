package dev.tcpstate.analyzer.timeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.tcpstate.analyzer.load.LibraryCall;
import dev.tcpstate.analyzer.load.RecordingSpan;
import dev.tcpstate.analyzer.load.TcpEvents;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.TcpState;

/** Every connection of the recordings, rebuilt, with the events they were rebuilt from. */
public record Timeline(List<Connection> connections, TcpEvents events, LibraryCallIndex libraryCalls) {

    public Timeline {
        connections = List.copyOf(connections);
    }

    /**
     * The application's call into one of {@code libraries} that asked for connection {@code c}: the
     * latest for its peer made at or before {@code openedAt}; {@code null} when none was recorded.
     */
    public LibraryCall libraryCallFor(Connection c, long openedAt, Collection<Library> libraries) {
        return libraryCalls.latestBefore(c, openedAt, libraries);
    }

    public static Timeline of(TcpEvents events) {
        return TimelineBuilder.build(events);
    }

    /** Earliest start of any recording read. */
    public long start() {
        return events.spans().stream().mapToLong(RecordingSpan::start).min().orElse(0);
    }

    /** Latest end of any recording read. */
    public long end() {
        return events.spans().stream().mapToLong(RecordingSpan::end).max().orElse(0);
    }

    /** How many connections passed through each state (CLOSED omitted). */
    public Map<TcpState, Integer> everIn() {
        Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
        for (Connection c : connections) {
            c.spans().stream().map(Span::state).distinct().forEach(s -> counts.merge(s, 1, Integer::sum));
        }
        return counts;
    }

    /** How many connections were in each state when their recording ended (CLOSED omitted). */
    public Map<TcpState, Integer> atEnd() {
        Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
        for (Connection c : connections) {
            TcpState s = c.finalState();
            if (s != TcpState.CLOSED) {
                counts.merge(s, 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Counts per state over time: {@code buckets} equal slices of the recordings' time, each holding,
     * per state, the most connections that were in that state at once during the slice, and the most
     * connections open (in any state but CLOSED) at once. A connection counts once at any instant: its
     * stays in one state are joined before they are counted, so no count exceeds the connections open.
     * The counts of different states may peak at different instants of a slice: they are not to be
     * added up (the open count is the total).
     */
    public List<StateCounts> countsOverTime(int buckets) {
        long start = start();
        long end = Math.max(end(), start + 1);
        double width = (double) (end - start) / buckets;
        Map<TcpState, List<long[]>> intervals = new EnumMap<>(TcpState.class);
        List<long[]> open = new ArrayList<>();
        for (Connection c : connections) {
            Map<TcpState, List<long[]>> own = new EnumMap<>(TcpState.class);
            List<long[]> ownOpen = new ArrayList<>();
            for (Span s : c.spans()) {
                if (s.state() != TcpState.CLOSED) {
                    long[] iv = {s.start(), s.openAtEnd() ? s.end() + 1 : s.end()};
                    own.computeIfAbsent(s.state(), k -> new ArrayList<>()).add(iv);
                    ownOpen.add(iv);
                }
            }
            own.forEach((state, list) -> intervals.computeIfAbsent(state, k -> new ArrayList<>())
                    .addAll(Overlap.union(list)));
            open.addAll(Overlap.union(ownOpen));
        }
        Map<TcpState, int[]> peaks = new EnumMap<>(TcpState.class);
        intervals.forEach((state, list) -> peaks.put(state, Overlap.peakPerBucket(list, start, width, buckets)));
        int[] openPeaks = Overlap.peakPerBucket(open, start, width, buckets);
        List<StateCounts> out = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
            for (Map.Entry<TcpState, int[]> e : peaks.entrySet()) {
                counts.put(e.getKey(), e.getValue()[b]);
            }
            out.add(new StateCounts(start + Math.round(b * width), start + Math.round((b + 1) * width), counts,
                    openPeaks[b]));
        }
        return out;
    }

    /**
     * Per state, the most connections in it at once during [from, to).
     *
     * @param open the most connections open (in any state but CLOSED) at once during [from, to)
     */
    public record StateCounts(long from, long to, Map<TcpState, Integer> counts, int open) {
        public StateCounts {
            counts = Map.copyOf(counts);
        }

        public int get(TcpState state) {
            return counts.getOrDefault(state, 0);
        }
    }
}
