package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code tcpstate.LingeringConnection}: periodic re-statement of a lingering connection. See docs/events.md. */
@Name(EventNames.LINGERING_CONNECTION)
@Label("Lingering TCP Connection")
@Description("A connection currently held in CLOSE_WAIT, FIN_WAIT_1, FIN_WAIT_2, LAST_ACK, CLOSING or SYN_SENT for at "
        + "least a second, re-stated every period so that any part of a recording shows it (TIME_WAIT is only counted, "
        + "in TCP State Summary)")
@Category({"Java Application", "TCP Connections"})
@StackTrace(false)
@Period("5 s")
final class LingeringConnectionEvent extends Event {

    @Label("Connection Id")
    long connectionId;

    @Label("State")
    String state;

    @Label("Source")
    @Description("The view that established the current state: API, KERNEL or EXPECTED")
    String source;

    @Label("Time In State")
    @Timespan(Timespan.NANOSECONDS)
    long stateDuration;

    @Label("Connection Age")
    @Description("Time since the agent first saw the connection")
    @Timespan(Timespan.NANOSECONDS)
    long connectionAge;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("Socket Kind")
    String socketKind;

    @Label("Role")
    String role;
}
