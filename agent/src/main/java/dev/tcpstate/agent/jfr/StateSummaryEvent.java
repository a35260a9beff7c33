package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** {@code tcpstate.StateSummary}: periodic counts per state. See docs/events.md. */
@Name(EventNames.STATE_SUMMARY)
@Label("TCP State Summary")
@Description("How many of this JVM's tracked connections are in each TCP state, and the host's TIME_WAIT count")
@Category({"Java Application", "TCP Connections"})
@StackTrace(false)
@Period("5 s")
final class StateSummaryEvent extends Event {

    @Label("LISTEN")
    int listen;

    @Label("SYN_SENT")
    int synSent;

    @Label("SYN_RECEIVED")
    int synReceived;

    @Label("ESTABLISHED")
    int established;

    @Label("FIN_WAIT_1")
    int finWait1;

    @Label("FIN_WAIT_2")
    int finWait2;

    @Label("CLOSE_WAIT")
    int closeWait;

    @Label("CLOSING")
    int closing;

    @Label("LAST_ACK")
    int lastAck;

    @Label("TIME_WAIT")
    int timeWait;

    @Label("Host TIME_WAIT")
    @Description("TIME_WAIT sockets of the whole host (all processes), -1 where the OS does not say")
    int hostTimeWait;

    @Label("Ephemeral Port Range Low")
    @Description("-1 where the OS does not say")
    int ephemeralPortLow;

    @Label("Ephemeral Port Range High")
    @Description("-1 where the OS does not say")
    int ephemeralPortHigh;

    @Label("Tracking Evictions")
    @Description("Connections not tracked because the registry was full (maxConnections)")
    long evicted;

    @Label("Dropped Observations")
    @Description("Observations lost to a failure inside the agent")
    long dropped;
}
