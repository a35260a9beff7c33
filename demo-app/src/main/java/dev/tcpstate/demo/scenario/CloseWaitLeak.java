package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.Scenario;
import dev.tcpstate.demo.client.ConnectionPool;
import dev.tcpstate.demo.client.SocketConnection;
import dev.tcpstate.demo.server.KeepAliveHandler;
import dev.tcpstate.demo.server.LineServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The most common production leak: a client pool warmed up with many connections, no idle eviction
 * and no check on borrow. The server closes the idle ones after its keep-alive timeout; the client
 * never reads them again, so the kernel holds them in CLOSE_WAIT while the pool believes them open.
 */
public final class CloseWaitLeak implements Scenario {

    @Override
    public String name() {
        return "close-wait-leak";
    }

    @Override
    public String summary() {
        return "a Socket pool keeps idle connections the server closed: CLOSE_WAIT piles up on the client";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int connections = options.connections(20);
        out.printf("== %s: %s%n", name(), summary());
        try (LineServer server = LineServer.start("keepalive-server", new KeepAliveHandler(IdleLeak.SERVER_KEEP_ALIVE));
             ConnectionPool pool = new ConnectionPool(
                 () -> SocketConnection.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())),
                 ConnectionPool.Config.keepForever(connections))) {
            out.printf("   server 127.0.0.1:%d (keep-alive %d ms); pool warmed up with %d connections, no eviction, no check on borrow%n",
                server.port(), IdleLeak.SERVER_KEEP_ALIVE.toMillis(), pool.opened());
            new IdleLeak(pool, server.port(), server.stats()).run(options, out);
        }
    }
}
