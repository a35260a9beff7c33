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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The leak in a thread-per-request application on virtual threads (JDK 21+): a fan-out of
 * concurrent calls grows the pool to one connection per call; afterwards the traffic is light, and
 * the surplus connections sit idle until the server closes them. Server connections run on virtual
 * threads too.
 */
public final class VirtualThreadsLeak implements Scenario {
    private static final int FAN_OUT_SERVER_DELAY_MILLIS = 200;

    @Override
    public String name() {
        return "virtual-threads";
    }

    @Override
    public String summary() {
        return "the same leak on virtual threads, after a fan-out grew the pool (JDK 21+)";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        ExecutorService clients = VirtualThreads.newPerTaskExecutor();
        if (clients == null) {
            out.printf("== %s: skipped, virtual threads need JDK 21 or newer (this is JDK %d)%n",
                name(), Runtime.version().feature());
            return;
        }
        int fanOut = options.connections(20);
        out.printf("== %s: %s%n", name(), summary());
        try (LineServer server = LineServer.start("vt-server", new KeepAliveHandler(IdleLeak.SERVER_KEEP_ALIVE),
                 VirtualThreads.newPerTaskExecutor());
             ConnectionPool pool = new ConnectionPool(
                 () -> SocketConnection.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())),
                 ConnectionPool.Config.keepForever(0))) {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < fanOut; i++) {
                calls.add(clients.submit(() -> pool.send("GET /slow?ms=" + FAN_OUT_SERVER_DELAY_MILLIS)));
            }
            for (Future<String> call : calls) {
                call.get();
            }
            out.printf("   server 127.0.0.1:%d on virtual threads (keep-alive %d ms); a fan-out of %d virtual threads grew the pool to %d connections%n",
                server.port(), IdleLeak.SERVER_KEEP_ALIVE.toMillis(), fanOut, pool.opened());
            new IdleLeak(pool, server.port(), server.stats()).runOn(clients, options, out);
        } finally {
            clients.shutdown();
        }
    }
}
