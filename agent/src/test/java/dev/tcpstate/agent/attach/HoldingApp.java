package dev.tcpstate.agent.attach;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The target of the attach tests: a JVM that already holds a connection in CLOSE_WAIT (its peer
 * closed, it never reads) when it prints {@code READY <listenerPort> <closeWaitPort>}, then runs one
 * connect/accept/close cycle per {@code cycle} line on stdin, leaks three more connections into
 * CLOSE_WAIT per {@code leak} line (opened in {@link #leakThree}), connects one
 * {@code AsynchronousSocketChannel} per {@code async} line (the first loads those classes), and exits
 * on {@code quit}.
 */
public final class HoldingApp {
    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listener = new ServerSocket(0, 50, loopback)) {
            Socket idle = new Socket(loopback, listener.getLocalPort());
            listener.accept().close();
            System.out.println("READY " + listener.getLocalPort() + " " + idle.getLocalPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            List<Socket> leaked = new ArrayList<>();
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("async")) {
                    // the asynchronous channel classes load here, after any attach: woven as they load
                    try (java.nio.channels.AsynchronousSocketChannel client = java.nio.channels.AsynchronousSocketChannel.open()) {
                        client.connect(listener.getLocalSocketAddress()).get();
                        listener.accept().close();
                        System.out.println("async " + ((java.net.InetSocketAddress) client.getLocalAddress()).getPort());
                    }
                    continue;
                }
                if (line.equals("leak")) {
                    leaked.addAll(leakThree(listener));
                    System.out.println("leaked " + leaked.size());
                    continue;
                }
                Socket client = new Socket(loopback, listener.getLocalPort());
                Socket server = listener.accept();
                client.close();
                server.getInputStream().read();
                server.close();
                System.out.println("cycle " + client.getLocalPort());
            }
            idle.close();
            for (Socket s : leaked) {
                s.close();
            }
        }
    }

    /** Three connections whose peer closes at once and that this side never reads nor closes. */
    static List<Socket> leakThree(ServerSocket listener) throws java.io.IOException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(new Socket(listener.getInetAddress(), listener.getLocalPort()));
            listener.accept().close();
        }
        return held;
    }
}
