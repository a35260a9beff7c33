package dev.tcpstate.analyzer.timeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How many half-open intervals [start, end) overlap: at most, and at most within each slice of time. */
public final class Overlap {
    private Overlap() {
    }

    /** The largest number of {@code intervals} ({start, end} pairs) that hold one instant in common. */
    public static int peak(List<long[]> intervals) {
        long[][] edges = edges(intervals);
        int current = 0;
        int peak = 0;
        for (long[] e : edges) {
            current += (int) e[1];
            peak = Math.max(peak, current);
        }
        return peak;
    }

    /**
     * The most of {@code intervals} that hold one instant in common within each of {@code buckets}
     * slices of {@code width} nanoseconds from {@code start}.
     */
    public static int[] peakPerBucket(List<long[]> intervals, long start, double width, int buckets) {
        long[][] edges = edges(intervals);
        int[] out = new int[buckets];
        int current = 0;
        int i = 0;
        for (int b = 0; b < buckets; b++) {
            long bucketStart = start + Math.round(b * width);
            long bucketEnd = start + Math.round((b + 1) * width);
            while (i < edges.length && edges[i][0] <= bucketStart) {
                current += (int) edges[i++][1];
            }
            int max = current;
            while (i < edges.length && edges[i][0] < bucketEnd) {
                current += (int) edges[i++][1];
                max = Math.max(max, current);
            }
            out[b] = max;
        }
        return out;
    }

    /** The same instants as {@code intervals}, as few intervals as can hold them (overlapping ones joined). */
    static List<long[]> union(List<long[]> intervals) {
        if (intervals.size() < 2) {
            return intervals;
        }
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        long[] current = sorted.get(0).clone();
        for (long[] iv : sorted.subList(1, sorted.size())) {
            if (iv[0] <= current[1]) {
                current[1] = Math.max(current[1], iv[1]);
            } else {
                out.add(current);
                current = iv.clone();
            }
        }
        out.add(current);
        return out;
    }

    /** Starts (+1) and ends (-1) in time order; at one instant, ends before starts. */
    private static long[][] edges(List<long[]> intervals) {
        long[][] edges = new long[intervals.size() * 2][];
        int n = 0;
        for (long[] iv : intervals) {
            edges[n++] = new long[] {iv[0], +1};
            edges[n++] = new long[] {Math.max(iv[0], iv[1]), -1};
        }
        Arrays.sort(edges, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        return edges;
    }
}
