package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.Options;
import dev.tcpstate.demo.Scenario;
import dev.tcpstate.demo.client.UploadClient;
import dev.tcpstate.demo.server.LineServer;
import dev.tcpstate.demo.server.ServerStats;
import dev.tcpstate.demo.server.WordCountHandler;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A request/response protocol whose request ends with the client's half-close: the client's FIN
 * (shutdownOutput) tells the server the document is complete; the server answers and closes.
 */
public final class HalfClose implements Scenario {
    private static final String DOCUMENT = "the side that closes first passes FIN_WAIT_1, FIN_WAIT_2 and TIME_WAIT\n"
        + "the other side passes CLOSE_WAIT and LAST_ACK\n";

    @Override
    public String name() {
        return "half-close";
    }

    @Override
    public String summary() {
        return "uploads that end with shutdownOutput, answered after the client's FIN";
    }

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        int uploads = options.requests(5);
        out.printf("== %s: %s%n", name(), summary());
        try (LineServer server = LineServer.start("wordcount-server", new WordCountHandler())) {
            UploadClient client = new UploadClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            out.printf("   server 127.0.0.1:%d counts the words of each document it reads to end of stream%n", server.port());
            String answer = null;
            for (int i = 0; i < uploads; i++) {
                answer = client.upload(DOCUMENT);
            }
            ServerStats.await(server.stats()::requests, uploads, Duration.ofSeconds(5));
            long timeWait = Kernel.count(t -> t.towards(server.port(), "TIME_WAIT"), uploads);
            long closeWait = Kernel.count(t -> t.involving(server.port(), "CLOSE_WAIT"), 0);
            out.printf("   %d uploads, each answered \"%s\" after the client's shutdownOutput%n", uploads, answer);
            out.printf("   result: client TIME_WAIT %s (it sent the first FIN), CLOSE_WAIT on either side %s%n",
                Kernel.says(timeWait), Kernel.says(closeWait));
        }
    }
}
