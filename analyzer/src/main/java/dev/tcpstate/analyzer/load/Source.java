package dev.tcpstate.analyzer.load;

/** Which view of a connection produced an observation (the {@code source} field of the events). */
public enum Source {
    /** An intercepted Java call. */
    API,
    /** The kernel's connection table showed it. */
    KERNEL,
    /** Assumed from what was seen while the kernel view was off: never fact. */
    EXPECTED,
    /** Not in the recording (e.g. the state before the first event of a connection). */
    UNKNOWN;

    static Source parse(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(name.trim());
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
