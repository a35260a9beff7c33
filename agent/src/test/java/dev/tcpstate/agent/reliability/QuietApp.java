package dev.tcpstate.agent.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link SecurityIT}. Mode {@code idle}: opens no socket at all, says {@code ready},
 * then stays up {@code millis} for the test to look at its descriptors. Mode {@code one}: one
 * loopback connection, opened and closed, so the agent has something to record.
 */
public final class QuietApp {

    public static void main(String[] args) throws Exception {
        long millis = Long.parseLong(args[1]);
        if (args[0].equals("one")) {
            connectOnce();
        }
        System.out.println("ready");
        System.out.flush();
        TimeUnit.MILLISECONDS.sleep(millis);
        System.out.println("done");
    }

    static void connectOnce() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(ss.getInetAddress(), ss.getLocalPort());
                Socket server = ss.accept()) {
            client.getOutputStream().write(1);
            server.getInputStream().read();
        }
    }
}
