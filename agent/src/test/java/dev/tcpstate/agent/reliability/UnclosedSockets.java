package dev.tcpstate.agent.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link GarbageCollectedWithoutCloseIT}: opens {@code n} classic sockets and {@code n}
 * socket channels to its own listener, keeps the accepted ends, drops its own references without
 * closing them, and collects garbage a few times, a second apart (the agent's housekeeping looks
 * for collected sockets every second).
 */
public final class UnclosedSockets {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listener = new ServerSocket(0, 2 * n, loopback)) {
            System.out.println("server-port " + listener.getLocalPort());
            List<Socket> accepted = new ArrayList<>();
            openAndForget(n, new InetSocketAddress(loopback, listener.getLocalPort()), listener, accepted);
            for (int i = 0; i < 5; i++) {
                System.gc();
                TimeUnit.MILLISECONDS.sleep(1_200);
            }
            System.out.println("opened " + (2 * n) + " without close, accepted " + accepted.size());
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** In its own frame, so that no local of main keeps a socket reachable. */
    static void openAndForget(int n, InetSocketAddress address, ServerSocket listener, List<Socket> accepted)
            throws IOException {
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(address);
            accepted.add(listener.accept());
            SocketChannel ch = SocketChannel.open(address);
            accepted.add(listener.accept());
            s.getOutputStream().write(1);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }
    }
}
