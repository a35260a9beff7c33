package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.client.ConnectionPool;
import dev.tcpstate.demo.server.ServerStats;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * The part every CLOSE_WAIT leak scenario shares: light traffic that keeps one pooled connection hot
 * while the others sit idle until the server's keep-alive timeout closes them, then a hold so that
 * a person (with {@code ss}) or a sampler (the agent's) sees them in CLOSE_WAIT.
 */
final class IdleLeak {
    static final Duration SERVER_KEEP_ALIVE = Duration.ofMillis(300);
    private static final Duration REQUEST_INTERVAL = Duration.ofMillis(100);

    private final ConnectionPool pool;
    private final int serverPort;
    private final IntSupplier serverIdleClosed;
    private int requests;

    IdleLeak(ConnectionPool pool, int serverPort, ServerStats server) {
        this.pool = pool;
        this.serverPort = serverPort;
        this.serverIdleClosed = server::idleClosed;
    }

    /** Runs the traffic, the hold and the report on the calling thread. */
    void run(Options options, PrintStream out) throws Exception {
        int parkedTarget = pool.opened() - 1;
        out.printf("   traffic: one request every %d ms; the pool lends its most recently used connection, the other %d sit idle%n",
            REQUEST_INTERVAL.toMillis(), parkedTarget);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (serverIdleClosed.getAsInt() < parkedTarget && System.nanoTime() - deadline < 0) {
            request();
        }
        List<Integer> idle = pool.idlePorts();
        Set<Integer> parked = new HashSet<>(idle.subList(Math.min(1, idle.size()), idle.size()));
        long closeWait = Kernel.count(t -> t.from(parked, "CLOSE_WAIT"), parked.size());
        out.printf("   the server closed %d idle connections after its %d ms keep-alive; the pool still holds %d of them as idle%n",
            serverIdleClosed.getAsInt(), SERVER_KEEP_ALIVE.toMillis(), parked.size());
        if (pool.retried() > 0) {
            out.printf("   (%d request(s) failed on a connection the server had closed and were retried on a new one:"
                + " the only way this pool ever notices)%n", pool.retried());
        }
        out.printf("   holding %.1f s: CLOSE_WAIT %s on client ports %s%n", options.hold().toMillis() / 1000.0,
            Kernel.says(closeWait), parked.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
        out.printf("   see for yourself: ss -tan state close-wait '( dport = :%d )'%n", serverPort);
        long holdEnd = System.nanoTime() + options.hold().toNanos();
        while (System.nanoTime() - holdEnd < 0) {
            request();
        }
        long stillClosedWait = Kernel.count(t -> t.from(parked, "CLOSE_WAIT"), parked.size());
        out.printf("   result: %d requests served by the hot connection; CLOSE_WAIT after the hold: %s of %d parked, until pool.close()%n",
            requests, Kernel.says(stillClosedWait), parked.size());
    }

    /** Runs the traffic, the hold and the report on a thread of {@code executor} (e.g. a virtual thread). */
    void runOn(ExecutorService executor, Options options, PrintStream out) throws Exception {
        Callable<Void> body = () -> {
            run(options, out);
            return null;
        };
        executor.submit(body).get();
    }

    private void request() throws IOException, InterruptedException {
        pool.send("GET /hello");
        requests++;
        Thread.sleep(REQUEST_INTERVAL.toMillis());
    }
}
