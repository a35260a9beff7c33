package dev.tcpstate.analyzer.findings;

import java.util.List;

import dev.tcpstate.analyzer.load.CallStack;
import dev.tcpstate.analyzer.load.Frame;
import dev.tcpstate.analyzer.load.StateChange;

/**
 * The code responsible: the first frame of a recorded stack that belongs to the application or a
 * library (not the JDK, not the agent), with the frames below it (its callers).
 *
 * @param frame {@code null} when the event is not in the recording or has no stack
 * @param below the callers of {@code frame}, innermost first
 * @param applicationFrame false when every frame was the JDK's and {@code frame} is merely the outermost
 */
public record CodeSite(Frame frame, List<Frame> below, String thread, boolean applicationFrame) {
    public static final CodeSite UNKNOWN = new CodeSite(null, List.of(), "", false);

    private static final List<String> NOT_APPLICATION = List.of(
            "java.", "javax.net.", "jdk.", "sun.", "com.sun.", "dev.tcpstate.agent.", "dev.tcpstate.shaded.");

    public CodeSite {
        below = List.copyOf(below);
    }

    /** The site of the code that caused {@code event}; {@link #UNKNOWN} for {@code null}. */
    public static CodeSite of(StateChange event) {
        if (event == null) {
            return UNKNOWN;
        }
        return of(event.stack(), event.thread());
    }

    public static CodeSite of(CallStack stack, String thread) {
        List<Frame> frames = stack.frames();
        for (int i = 0; i < frames.size(); i++) {
            if (isApplication(frames.get(i))) {
                return new CodeSite(frames.get(i), frames.subList(i + 1, frames.size()), thread, true);
            }
        }
        if (frames.isEmpty()) {
            return new CodeSite(null, List.of(), thread, false);
        }
        return new CodeSite(frames.get(frames.size() - 1), List.of(), thread, false);
    }

    static boolean isApplication(Frame f) {
        for (String prefix : NOT_APPLICATION) {
            if (f.className().startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    public boolean isKnown() {
        return frame != null;
    }

    /** The site in one line, for a heading. */
    public String label() {
        return frame == null ? "an unknown site (its event is not in the recording)" : frame.toString();
    }
}
