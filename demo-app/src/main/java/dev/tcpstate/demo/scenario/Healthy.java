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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Keep-alive done right: the pool evicts idle connections before the server's keep-alive timeout
 * would close them (and checks any connection it lends after a pause), and at the end the client
 * pool is closed before the server. Nothing lingers in CLOSE_WAIT.
 */
public final class Healthy implements Scenario {
    private static final Duration POOL_MAX_IDLE = Duration.ofMillis(100);
    private static final Duration PAUSE = Duration.ofMillis(400);
    private static final int WORKERS = 4;
    private static final int ROUNDS = 3;

    @Override
    public String name() {
        return "healthy";
    }

    @Override
    public String summary() {
        return "keep-alive reuse with idle eviction before the server's timeout: nothing lingers";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int perWorkerAndRound = Math.max(1, options.requests(300) / (WORKERS * ROUNDS));
        out.printf("== %s: %s%n", name(), summary());
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, LineServer.daemonThreads("healthy-worker-"));
        try (LineServer server = LineServer.start("healthy-server", new KeepAliveHandler(IdleLeak.SERVER_KEEP_ALIVE));
             ConnectionPool pool = new ConnectionPool(
                 () -> SocketConnection.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())),
                 ConnectionPool.Config.evictIdleAfter(POOL_MAX_IDLE))) {
            out.printf("   server 127.0.0.1:%d (keep-alive %d ms); the pool evicts connections idle for %d ms and checks on borrow%n",
                server.port(), IdleLeak.SERVER_KEEP_ALIVE.toMillis(), POOL_MAX_IDLE.toMillis());
            List<Callable<Void>> round = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                round.add(() -> {
                    for (int i = 0; i < perWorkerAndRound; i++) {
                        pool.send("GET /hello");
                    }
                    return null;
                });
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (Future<Void> done : workers.invokeAll(round)) {
                    done.get();
                }
                Thread.sleep(PAUSE.toMillis()); // longer than the server's keep-alive: the pool must evict first
            }
            out.printf("   %d requests by %d threads in %d bursts %d ms apart over %d connections; evicted idle %d, stale at borrow %d%n",
                perWorkerAndRound * WORKERS * ROUNDS, WORKERS, ROUNDS, PAUSE.toMillis(), pool.opened(), pool.evicted(), pool.staleOnBorrow());
            long closeWait = Kernel.count(t -> t.involving(server.port(), "CLOSE_WAIT"), 0);
            out.printf("   holding %.1f s: CLOSE_WAIT on either side %s; the server closed %d idle connections itself%n",
                options.hold().toMillis() / 1000.0, Kernel.says(closeWait), server.stats().idleClosed());
            out.printf("   see for yourself: ss -tan '( sport = :%d or dport = :%d )'%n", server.port(), server.port());
            Thread.sleep(options.hold().toMillis());
            long after = Kernel.count(t -> t.involving(server.port(), "CLOSE_WAIT"), 0);
            out.printf("   result: CLOSE_WAIT %s; pool closed before the server%n", Kernel.says(after));
        } finally {
            workers.shutdownNow();
        }
    }
}
