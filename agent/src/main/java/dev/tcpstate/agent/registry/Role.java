package dev.tcpstate.agent.registry;

/** Which side of the connection this JVM is. */
public enum Role {
    /** We connected. */
    CLIENT,
    /** We accepted it from a listener. */
    SERVER,
    /** A listening socket. */
    LISTENER,
    /** Seen only in the kernel table: the agent did not see it open. */
    UNKNOWN
}
