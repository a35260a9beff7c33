package dev.tcpstate.agent.state;

/** Who can see a stimulus happen: this decides the {@code source} of the event that records it. */
public enum Visibility {
    /** A Java API call the agent intercepts: thread, stack trace and time are exact. */
    API,
    /** Only the kernel sees it; the agent learns of it from the OS connection table, one sample late. */
    KERNEL,
    /** Nobody reports it: it follows from what was seen (a timer of the RFC), so it is assumed. */
    EXPECTED
}
