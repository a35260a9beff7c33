package dev.tcpstate.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The child of {@link CloseAfterThePeersFinIT}: what OkHttp does with {@code Connection: close}
 * against nginx, on loopback. Each server connection closes first (its FIN); each client reads
 * nothing, waits until the kernel holds its socket in CLOSE_WAIT (the FIN has arrived, unread; seen in
 * {@code /proc/net/tcp6}, not by reading), then closes: a passive close the Java API cannot tell from
 * an active one. Prints {@code closed <listener port> <client ports>}, then holds the server's
 * TIME_WAITs (60 s) until it reads {@code exit}.
 */
public final class PeerClosedFirst {
    private static final String CLOSE_WAIT = "08";

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Integer> clientPorts = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, connections, loopback)) {
            for (int i = 0; i < connections; i++) {
                Socket client = new Socket(loopback, listener.getLocalPort());
                Socket server = listener.accept();
                server.close();
                awaitCloseWait(client.getLocalPort(), listener.getLocalPort());
                client.close();
                clientPorts.add(client.getLocalPort());
            }
            System.out.println("closed " + listener.getLocalPort() + " " + clientPorts.toString().replace(" ", ""));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
                // the test reads ss meanwhile
            }
        }
        System.out.println("done");
    }

    /** Until the kernel's table lists this connection in CLOSE_WAIT (at most 5 s). */
    private static void awaitCloseWait(int localPort, int remotePort) throws IOException, InterruptedException {
        String ports = String.format(Locale.ROOT, ":%04X", localPort);
        String peer = String.format(Locale.ROOT, ":%04X", remotePort);
        for (int i = 0; i < 500; i++) {
            for (String table : List.of("/proc/self/net/tcp6", "/proc/self/net/tcp")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(ports) && f[2].endsWith(peer) && f[3].equals(CLOSE_WAIT)) {
                        return;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        throw new IllegalStateException("the peer's FIN never arrived at port " + localPort);
    }
}
