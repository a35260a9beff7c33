package dev.tcpstate.analyzer.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jdk.jfr.Recording;

/**
 * A JVM without the agent that holds {@code args[0]} client connections in CLOSE_WAIT: its own loopback
 * server accepts and closes them, and the clients never read. Prints
 * {@code READY <epoch ms before the FINs> <epoch ms after> <client port>...}; then {@code record} starts a
 * recording in this JVM (as a user would with {@code JFR.start}, later than the agent was loaded),
 * {@code dump <file>} writes what it holds so far, and {@code quit} exits.
 */
public final class CloseWaitHolder {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listener = new ServerSocket(0, 50, loopback)) {
            List<Socket> clients = new ArrayList<>();
            List<Socket> accepted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(new Socket(loopback, listener.getLocalPort()));
                accepted.add(listener.accept());
            }
            long beforeFin = System.currentTimeMillis();
            for (Socket s : accepted) {
                s.close(); // FIN: the client side goes CLOSE_WAIT on loopback at once
            }
            StringBuilder ready = new StringBuilder("READY " + beforeFin + " " + System.currentTimeMillis());
            clients.forEach(c -> ready.append(' ').append(c.getLocalPort()));
            System.out.println(ready);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            Recording recording = null;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("record")) {
                    recording = new Recording();
                    recording.enable("tcpstate.StateChange");
                    recording.enable("tcpstate.StateChangeNoStack");
                    recording.enable("tcpstate.LingeringConnection");
                    recording.start();
                    System.out.println("recording");
                } else if (line.startsWith("dump ") && recording != null) {
                    recording.dump(Path.of(line.substring("dump ".length())));
                    System.out.println("dumped");
                }
            }
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
