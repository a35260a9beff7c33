package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code tcpstate.Anomaly}: a stimulus that has no row for the connection's state. See docs/events.md. */
@Name(EventNames.ANOMALY)
@Label("TCP State Anomaly")
@Description("A call or observation that does not fit the connection's believed TCP state; the state was kept")
@Category({"Java Application", "TCP Connections"})
@StackTrace(true)
final class AnomalyEvent extends Event {

    @Label("Connection Id")
    long connectionId;

    @Label("State")
    @Description("The state the agent believed")
    String state;

    @Label("Stimulus")
    String stimulus;

    @Label("Trigger")
    String trigger;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;
}
