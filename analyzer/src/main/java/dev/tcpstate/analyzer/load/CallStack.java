package dev.tcpstate.analyzer.load;

import java.util.List;

/** A recorded stack trace, innermost frame first. {@code truncated}: the JVM cut it at its depth limit. */
public record CallStack(List<Frame> frames, boolean truncated) {
    public static final CallStack NONE = new CallStack(List.of(), false);

    public CallStack {
        frames = List.copyOf(frames);
    }

    public boolean isEmpty() {
        return frames.isEmpty();
    }
}
