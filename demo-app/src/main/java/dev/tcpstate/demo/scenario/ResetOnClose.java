package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.Scenario;
import dev.tcpstate.demo.client.PerRequestClient;
import dev.tcpstate.demo.server.KeepAliveHandler;
import dev.tcpstate.demo.server.LineServer;
import dev.tcpstate.demo.server.ServerStats;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Two ways a close becomes a reset (RST, no TIME_WAIT, the peer gets "Connection reset"): a client
 * that aborts a late request with SO_LINGER 0, and one that closes with a response body unread.
 */
public final class ResetOnClose implements Scenario {
    private static final Duration DEADLINE = Duration.ofMillis(100);
    private static final int SERVER_DELAY_MILLIS = 400;
    private static final int BODY_KB = 256;

    @Override
    public String name() {
        return "reset-on-close";
    }

    @Override
    public String summary() {
        return "close with SO_LINGER 0, and close with unread input: RST instead of FIN";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int each = options.connections(5);
        out.printf("== %s: %s%n", name(), summary());
        try (LineServer server = LineServer.start("reset-server", new KeepAliveHandler(Duration.ofSeconds(5)))) {
            PerRequestClient client = new PerRequestClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            out.printf("   server 127.0.0.1:%d%n", server.port());
            int abandoned = 0;
            for (int i = 0; i < each; i++) {
                if (client.getOrAbort("GET /slow?ms=" + SERVER_DELAY_MILLIS, DEADLINE) == null) {
                    abandoned++;
                }
            }
            out.printf("   %d requests given up after a %d ms deadline (the server takes %d ms), aborted with SO_LINGER 0%n",
                abandoned, DEADLINE.toMillis(), SERVER_DELAY_MILLIS);
            for (int i = 0; i < each; i++) {
                client.statusOnly("GET /download?kb=" + BODY_KB);
            }
            out.printf("   %d downloads whose client read the status line only and closed with the %d KB body unread%n", each, BODY_KB);
            ServerStats stats = server.stats();
            ServerStats.await(() -> stats.resets() + stats.peerClosed(), abandoned + each, Duration.ofSeconds(5));
            long timeWait = Kernel.count(t -> t.involving(server.port(), "TIME_WAIT"), 0);
            out.printf("   result: the server saw %d connection resets and %d ends of stream; TIME_WAIT on either side %s%n",
                stats.resets(), stats.peerClosed(), Kernel.says(timeWait));
            out.println("   (Socket.close sends FIN before the RST that unread data causes: a server waiting in read may see the FIN first)");
        }
    }
}
