package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code tcpstate.LibraryCall}: the application called a networking library's public entry. See docs/events.md. */
@Name(EventNames.LIBRARY_CALL)
@Label("Network Library Call")
@Description("The application called a networking library's public entry (e.g. OkHttp RealCall.execute). Its "
        + "stack trace is the application code that asked: the analyzer joins it to the connections the library "
        + "then opened on its own threads, whose stacks hold no application frame.")
@Category({"Java Application", "TCP Connections"})
@StackTrace(true)
final class LibraryCallEvent extends Event {

    @Label("Library")
    @Description("OKHTTP, JDK_HTTP_CLIENT, NETTY, JETTY, REACTOR_NETTY, …: tcpstate's names of the libraries it knows")
    String library;

    @Label("Entry")
    @Description("The library's method the application called, e.g. RealCall.execute")
    String entry;

    @Label("Remote Host")
    @Description("The host the application asked for, as it named it (a name or an address); empty when unknown")
    String remoteHost;

    @Label("Remote Port")
    @Description("The port the application asked for; 0 when unknown")
    int remotePort;
}
