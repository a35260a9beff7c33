package dev.tcpstate.agent.jmx;

/**
 * {@code dev.tcpstate:type=ConnectionState,state=CLOSE_WAIT} (one per TCP state): what a scraper
 * such as the Prometheus JMX exporter reads as {@code dev_tcpstate_ConnectionState_Count{state="CLOSE_WAIT"}}.
 * Values are at most a second old.
 */
public interface ConnectionStateMXBean {

    /** Connections in this state now. */
    long getCount();

    /**
     * Of those, the ones in it for at least a second, for the states where that means a connection is
     * stuck or held by timers (SYN_SENT, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK,
     * TIME_WAIT); 0 for the others.
     */
    long getLingering();

    /** How long the connection longest in this state has been in it, in seconds; 0 when none is. */
    double getOldestSeconds();
}
