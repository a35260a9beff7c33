package dev.tcpstate.analyzer.load;

/** The time a recording (or the chunks of it that could be read) covers, for one JVM run. */
public record RecordingSpan(String jvm, String origin, long start, long end) {

    RecordingSpan union(RecordingSpan other) {
        return new RecordingSpan(jvm, origin, Math.min(start, other.start), Math.max(end, other.end));
    }
}
