package dev.tcpstate.agent.jmx;

/**
 * {@code dev.tcpstate:type=Agent}: the agent in this JVM, for JConsole, JMC's MBean browser and the
 * attach command line's read-only commands ({@code connections}, {@code stop}), which reach it over
 * the JDK's local JMX connector instead of loading the agent again.
 */
public interface TcpStateMXBean {

    /** The agent's build version. */
    String getVersion();

    /** Connections (and listeners) tracked now. */
    int getTracked();

    int getWovenMethods();

    /** Observations lost to failures inside the agent since it started. */
    long getDropped();

    /** Connections not tracked, or forgotten, because the registry was full. */
    long getEvicted();

    /** The file the agent's recording will be written to; empty when it records nothing. */
    String getRecording();

    /** Whether the kernel's TCP table is read (Linux); without it, states Java cannot see are inferred. */
    boolean isKernelView();

    /**
     * Up to {@code limit} of the connections tracked now, the longest in a lingering state first
     * (CLOSE_WAIT, FIN_WAIT_2, …), then the rest by age.
     */
    ConnectionInfo[] connections(int limit);

    /** Undoes the weaving, stops sampling and writes the recording; what the attach CLI's {@code stop} says. */
    String stop();
}
