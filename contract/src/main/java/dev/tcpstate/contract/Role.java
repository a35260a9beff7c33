package dev.tcpstate.contract;

/** Which side of the connection this JVM is: the recording's {@code role} field. */
public enum Role {
    /** We connected. */
    CLIENT,
    /** We accepted it from a listener. */
    SERVER,
    /** A listening socket. */
    LISTENER,
    /** Seen only in the kernel table: the agent did not see it open. */
    UNKNOWN;

    /** The role named {@code name}, or {@code null} when a recording holds something else. */
    public static Role parse(String name) {
        return Vocabulary.parse(Role.class, name);
    }
}
