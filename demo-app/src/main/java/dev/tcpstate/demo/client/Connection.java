package dev.tcpstate.demo.client;

import java.io.Closeable;
import java.io.IOException;

/** One keep-alive connection to a server of the line protocol, as a pool holds it. */
public interface Connection extends Closeable {

    /** Sends one request line and returns the status line of the response. */
    String exchange(String requestLine) throws IOException;

    /**
     * Whether the server has closed this connection, or it is otherwise unusable, found by a
     * non-blocking peek: what a careful pool does before lending out a connection that sat idle.
     */
    boolean isStale();

    int localPort();
}
