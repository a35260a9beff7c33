package dev.tcpstate.agent.jfr;

import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Timespan;

/**
 * The fields of both state-change event types, {@link StateChangeEvent} (with the stack of the call
 * that made the transition) and {@link StateChangeNoStackEvent} (without): see docs/events.md.
 */
abstract class StateChangeFields extends Event {

    @Label("Connection Id")
    @Description("Unique per JVM run; joins all events of one connection")
    long connectionId;

    @Label("From State")
    @Description("RFC 9293 state before the transition")
    String fromState;

    @Label("To State")
    @Description("RFC 9293 state after the transition")
    String toState;

    @Label("Source")
    @Description("API: an intercepted Java call; KERNEL: the OS connection table showed it; "
            + "EXPECTED: assumed from what was seen, not observed")
    String source;

    @Label("Trigger")
    @Description("The call or observation that caused the transition")
    String trigger;

    @Label("Stimulus")
    @Description("The stimulus of tcpstate's transition table")
    String stimulus;

    @Label("Abort Cause")
    @Description("For an ABORT (a close that sent RST): LINGER_ZERO (SO_LINGER 0) or UNREAD_INPUT (input left "
            + "unread); empty otherwise")
    String abortCause;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("Socket Kind")
    @Description("Socket, ServerSocket, SocketChannel, ServerSocketChannel, AsynchronousSocketChannel, "
            + "AsynchronousServerSocketChannel, or Kernel for a connection discovered in the OS table")
    String socketKind;

    @Label("Role")
    @Description("CLIENT (connected), SERVER (accepted), LISTENER, or UNKNOWN (discovered by the kernel view)")
    String role;

    @Label("Time In Previous State")
    @Timespan(Timespan.NANOSECONDS)
    long previousStateDuration;

    @Label("Kernel Timer Left")
    @Description("For KERNEL events: time left on the connection's kernel timer (e.g. TIME_WAIT), -1 if none")
    @Timespan(Timespan.MILLISECONDS)
    long kernelTimer;

    @Label("State Age")
    @Description("For a connection discovered in the kernel table (from CLOSED, socket kind Kernel): how long it had "
            + "already been in To State, by State Age Basis; -1 for every other event")
    @Timespan(Timespan.MILLISECONDS)
    long stateAge;

    @Label("State Age Basis")
    @Description("How State Age is known: KERNEL_LAST_ACK_RECEIVED (the kernel's time since the peer's last ACK: "
            + "its FIN in CLOSE_WAIT, usually exact) or FIRST_SAMPLE (no age from the OS: counted from this event, "
            + "so the time in the state is at least that); empty for every other event")
    String stateAgeBasis;
}
