package dev.tcpstate.analyzer.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Small loopback programs the integration tests run under the real agent, one pathology each. The
 * server runs in the same JVM on a thread of its own; the client is the code under study.
 *
 * <pre>java -javaagent:tcpstate-agent.jar=record=x.jfr,kernelInterval=off -cp test-classes \
 *   dev.tcpstate.analyzer.it.LoopbackScenarios close-wait|time-wait|reset|half-close|healthy [count] [holdMillis]</pre>
 */
public final class LoopbackScenarios {
    private static final List<Socket> KEPT = new ArrayList<>();

    private LoopbackScenarios() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long hold = args.length > 2 ? Long.parseLong(args[2]) : 1500;
        // -Dscenario.threadNames=<prefix>: the client and the server run on threads named "<prefix> client"
        // and "<prefix> server" (RedactIT: names that carry a customer's id and host)
        String names = System.getProperty("scenario.threadNames", "");
        if (names.isEmpty()) {
            run(scenario, count, hold, "loopback-server");
            return;
        }
        Exception[] failed = new Exception[1];
        Thread client = new Thread(() -> {
            try {
                run(scenario, count, hold, names + " server");
            } catch (Exception e) {
                failed[0] = e;
            }
        }, names + " client");
        client.start();
        client.join();
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private static void run(String scenario, int count, long hold, String serverName) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress())) {
            Thread serverThread = new Thread(() -> serve(server, scenario), serverName);
            serverThread.setDaemon(true);
            serverThread.start();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            switch (scenario) {
                case "close-wait" -> leakCloseWait(address, count, hold);
                case "time-wait" -> closeFirst(address, count);
                case "reset" -> resetOnClose(address, count);
                case "half-close" -> halfClose(address, count, hold);
                case "healthy" -> healthy(address, count);
                default -> throw new IllegalArgumentException(scenario);
            }
        }
        System.out.println("done " + scenario + " " + count);
    }

    /** The server closes; the client reads end of stream and never closes: CLOSE_WAIT. */
    static void leakCloseWait(InetSocketAddress address, int count, long hold) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            s.connect(address, 5000);
            if (s.getInputStream().read() != -1) {
                throw new IllegalStateException("expected end of stream");
            }
            KEPT.add(s);
        }
        Thread.sleep(hold);
    }

    /** The client writes a request and closes first, every time: TIME_WAIT on the client side. */
    static void closeFirst(InetSocketAddress address, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                s.getOutputStream().write(1);
            }
        }
    }

    /** SO_LINGER 0: close sends RST. */
    static void resetOnClose(InetSocketAddress address, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.setSoLinger(true, 0);
                s.connect(address, 5000);
                s.getOutputStream().write(1);
            }
        }
    }

    /** shutdownOutput, and the server never closes its side: the client waits for a FIN. */
    static void halfClose(InetSocketAddress address, int count, long hold) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            s.connect(address, 5000);
            s.shutdownOutput();
            KEPT.add(s);
        }
        Thread.sleep(hold);
    }

    /** Request, response, the server closes, the client reads end of stream and closes at once. */
    static void healthy(InetSocketAddress address, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                s.getOutputStream().write(1);
                InputStream in = s.getInputStream();
                while (in.read() != -1) {
                    // the response, to its end
                }
            }
        }
    }

    private static void serve(ServerSocket server, String scenario) {
        List<Socket> held = new ArrayList<>();
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                switch (scenario) {
                    case "close-wait" -> s.close();
                    case "half-close" -> held.add(s);
                    case "healthy" -> {
                        s.getInputStream().read();
                        OutputStream out = s.getOutputStream();
                        out.write(2);
                        s.close();
                    }
                    default -> {
                        InputStream in = s.getInputStream();
                        while (in.read() != -1) {
                            // until the client closes
                        }
                        s.close();
                    }
                }
            } catch (IOException e) {
                // a reset from the client, or the server closing at exit
            }
        }
    }
}
