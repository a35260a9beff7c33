package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.Scenario;
import dev.tcpstate.demo.client.ChannelConnection;
import dev.tcpstate.demo.client.ConnectionPool;
import dev.tcpstate.demo.server.NioLineServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The CLOSE_WAIT leak with NIO on both sides: a selector-based server, a pool of {@code SocketChannel}s. */
public final class NioLeak implements Scenario {

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public String summary() {
        return "the same leak with a pool of SocketChannels and a selector-based server";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int connections = options.connections(20);
        out.printf("== %s: %s%n", name(), summary());
        try (NioLineServer server = NioLineServer.start(IdleLeak.SERVER_KEEP_ALIVE);
             ConnectionPool pool = new ConnectionPool(
                 () -> ChannelConnection.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())),
                 ConnectionPool.Config.keepForever(connections))) {
            out.printf("   server 127.0.0.1:%d (one selector thread, keep-alive %d ms); pool of %d SocketChannels, no eviction, no check on borrow%n",
                server.port(), IdleLeak.SERVER_KEEP_ALIVE.toMillis(), pool.opened());
            new IdleLeak(pool, server.port(), server.stats()).run(options, out);
        }
    }
}
