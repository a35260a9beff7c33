package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code tcpstate.StateChange}: see docs/events.md, the contract this class must match. */
@Name(EventNames.STATE_CHANGE)
@Label("TCP State Change")
@Description("A TCP connection changed state (RFC 9293) by a call of the application: bind, connect, accept, "
        + "shutdown or close. The stack trace is that call's.")
@Category({"Java Application", "TCP Connections"})
@StackTrace(true)
final class StateChangeEvent extends StateChangeFields {
}
