package dev.tcpstate.contract;

/** Who can see a stimulus happen: this decides the {@code source} field of the event that records it. */
public enum Source {
    /** A Java API call the agent intercepts: thread, stack trace and time are exact. */
    API,
    /** Only the kernel sees it; the agent learns of it from the OS connection table, one sample late. */
    KERNEL,
    /** Nobody reports it: it follows from what was seen (a timer of the RFC), so it is assumed. */
    EXPECTED,
    /** Never written by the agent: a reader's word for what the recording does not say (a missing field). */
    UNKNOWN;

    /** The source named {@code name}, or {@link #UNKNOWN} when a recording holds nothing or something else. */
    public static Source parse(String name) {
        Source s = Vocabulary.parse(Source.class, name);
        return s == null ? UNKNOWN : s;
    }
}
