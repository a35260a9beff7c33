package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.Scenario;
import dev.tcpstate.demo.client.PerRequestClient;
import dev.tcpstate.demo.server.KeepAliveHandler;
import dev.tcpstate.demo.server.LineServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client that opens a connection per request and closes it first: every request leaves one
 * client socket in TIME_WAIT for 60 s, all towards the same server address and port.
 */
public final class TimeWaitStorm implements Scenario {

    @Override
    public String name() {
        return "time-wait-storm";
    }

    @Override
    public String summary() {
        return "a new connection per request, closed first by the client: TIME_WAIT accumulates";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int requests = options.requests(1000);
        out.printf("== %s: %s%n", name(), summary());
        try (LineServer server = LineServer.start("storm-server", new KeepAliveHandler(Duration.ofSeconds(5)))) {
            PerRequestClient client = new PerRequestClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            out.printf("   server 127.0.0.1:%d; %d requests, each on its own connection%n", server.port(), requests);
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                client.get("GET /hello");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long timeWait = Kernel.count(t -> t.towards(server.port(), "TIME_WAIT"), requests);
            double rate = requests / seconds;
            out.printf("   %d requests in %.1f s (%.0f connections/s), the client closed each first%n", requests, seconds, rate);
            out.printf("   result: TIME_WAIT towards 127.0.0.1:%d: %s; each stays 60 s%n", server.port(), Kernel.says(timeWait));
            int ports = ephemeralPorts();
            out.printf("   at this rate, 60 s of TIME_WAIT is %.0f sockets: %.1f times the %d ephemeral ports towards one server address and port%n",
                rate * 60, rate * 60 / ports, ports);
            out.printf("   see for yourself: ss -Htan state time-wait '( dport = :%d )' | wc -l%n", server.port());
        }
    }

    /** Size of the local port range connect() picks from: 28,232 at Linux's default 32768-60999. */
    private static int ephemeralPorts() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return 28_232;
        }
    }
}
