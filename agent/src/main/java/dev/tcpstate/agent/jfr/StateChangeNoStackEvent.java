package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code tcpstate.StateChangeNoStack}: see docs/events.md, the contract this class must match. */
@Name(EventNames.STATE_CHANGE_NO_STACK)
@Label("TCP State Change (No Stack)")
@Description("A TCP connection changed state (RFC 9293) by the peer or the kernel: connect returned or failed, "
        + "end of stream, reset received, a transition the kernel view saw or the agent assumed, a collected "
        + "socket closed by the JDK's cleaner. The same fields as TCP State Change, without a stack trace.")
@Category({"Java Application", "TCP Connections"})
@StackTrace(false)
final class StateChangeNoStackEvent extends StateChangeFields {
}
