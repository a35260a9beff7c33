package dev.tcpstate.analyzer.findings;

import java.util.Locale;

/** The kinds of finding, by the name reports and JSON use, with the short name {@code --fail-on} takes. */
public enum FindingType {
    CLOSE_WAIT_LINGER("close-wait", "connections held in CLOSE_WAIT: the peer closed, this application did not"),
    TIME_WAIT_ACCUMULATION("time-wait", "connections this JVM closed first, piling up in TIME_WAIT towards one peer"),
    FIN_WAIT_2_LINGER("fin-wait-2", "connections this JVM closed (or half-closed) whose peer never closed its side"),
    CLOSED_BY_GC("gc-close", "connections never closed by the application: garbage collected, closed by the JDK's cleaner"),
    RESET_ON_CLOSE("reset-on-close", "connections closed with a reset (SO_LINGER 0, or unread input discarded)");

    private final String kind;
    private final String description;

    FindingType(String kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** The short name {@code --fail-on} takes, e.g. {@code close-wait}. */
    public String kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /** By short name or type name, in any case; {@code null} when neither. */
    public static FindingType byName(String name) {
        String n = name.trim();
        for (FindingType t : values()) {
            if (t.kind.equalsIgnoreCase(n) || t.name().equalsIgnoreCase(n.replace('-', '_'))) {
                return t;
            }
        }
        return null;
    }

    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
