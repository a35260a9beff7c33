package dev.tcpstate.agent.loopback;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * Recipes that make the kernel hold each TCP state steadily on loopback, without root: each makes its
 * own listener and returns its port with the states {@code ss} then shows for the rows of that port.
 * Used by the readers' unit tests (in the test's JVM) and by the agent's integration tests (in a child
 * JVM under the agent), so it depends on nothing but the JDK. SYN_RECEIVED is not here: holding it
 * needs a peer that stalls the handshake (raw sockets, or an nft rule in a network namespace of our
 * own), and both need privileges.
 *
 * <p>{@link #close} aborts every socket still open (SO_LINGER 0), leaving nothing lingering behind.
 */
public final class HeldStates implements AutoCloseable {

    /** What one recipe made: its listener's port and the states (as ss names them) of that port's rows. */
    public record Held(String recipe, int port, Set<String> ssStates) {
    }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Every recipe, by name, in the order {@link #all} runs them. */
    public Map<String, Callable<Held>> recipes() {
        Map<String, Callable<Held>> all = new LinkedHashMap<>();
        all.put("established", this::listenAndEstablished);
        all.put("syn-sent", this::synSentWhileTheListenersBacklogIsFull);
        all.put("fin-wait-2", this::finWait2AndCloseWaitAfterAShutdownThePeerIgnores);
        all.put("time-wait", this::timeWaitAfterAnActiveClose);
        all.put("fin-wait-1", this::finWait1WhileThePeerWindowIsFull);
        all.put("closing", this::closingWhenBothSidesSendFinAndOneIsStuck);
        all.put("last-ack", this::lastAckWhenTheClosingSidesFinIsStuck);
        return all;
    }

    /** Runs every recipe once: the process then holds every state of the list at the same time. */
    public List<Held> all() throws Exception {
        List<Held> held = new ArrayList<>();
        for (Callable<Held> recipe : recipes().values()) {
            held.add(recipe.call());
        }
        return held;
    }

    public Held listenAndEstablished() throws IOException {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        SocketChannel accepted = track(server.accept());
        check(accepted.isConnected() && client.isConnected(), "both ends connected");
        return held("established", server, "LISTEN", "ESTAB");
    }

    /** A backlog of 1 takes two connections; the SYN of the next is dropped, and retried for minutes. */
    public Held synSentWhileTheListenersBacklogIsFull() throws Exception {
        ServerSocketChannel server = listener(1, -1);
        for (int attempt = 0; attempt < 10; attempt++) {
            SocketChannel c = track(SocketChannel.open());
            c.configureBlocking(false);
            if (!c.connect(new InetSocketAddress(LOOPBACK, port(server)))) {
                long deadline = System.nanoTime() + 300_000_000L;
                while (!c.finishConnect() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (!c.isConnected()) {
                    return held("syn-sent", server, "LISTEN", "ESTAB", "SYN-SENT");
                }
            }
        }
        throw new IllegalStateException("ten connects to a listener with backlog 1 all completed");
    }

    public Held finWait2AndCloseWaitAfterAShutdownThePeerIgnores() throws IOException {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        track(server.accept());
        client.shutdownOutput();
        return held("fin-wait-2", server, "LISTEN", "FIN-WAIT-2", "CLOSE-WAIT");
    }

    public Held timeWaitAfterAnActiveClose() throws IOException {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        SocketChannel accepted = track(server.accept());
        client.close();
        int eof = accepted.read(ByteBuffer.allocate(16));
        check(eof == -1, "the passive closer reads EOF, not " + eof);
        accepted.close();
        return held("time-wait", server, "LISTEN", "TIME-WAIT");
    }

    public Held finWait1WhileThePeerWindowIsFull() throws Exception {
        ServerSocketChannel server = listener(50, 4096);
        SocketChannel client = connect(server, -1, 4096);
        track(server.accept()); // never reads
        fill(client);
        client.shutdownOutput();
        return held("fin-wait-1", server, "LISTEN", "ESTAB", "FIN-WAIT-1");
    }

    public Held closingWhenBothSidesSendFinAndOneIsStuck() throws Exception {
        ServerSocketChannel server = listener(50, 4096);
        SocketChannel client = connect(server, -1, 4096);
        SocketChannel accepted = track(server.accept());
        fill(client);
        client.shutdownOutput();      // FIN_WAIT_1: the FIN waits behind data the peer will not take
        accepted.shutdownOutput();    // the peer's FIN arrives while ours is unsent
        return held("closing", server, "LISTEN", "CLOSING", "FIN-WAIT-2");
    }

    public Held lastAckWhenTheClosingSidesFinIsStuck() throws Exception {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, 4096, -1); // never reads: a small window
        SocketChannel accepted = track(server.accept());
        accepted.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        fill(accepted);
        client.shutdownOutput();      // the server is in CLOSE_WAIT
        accepted.shutdownOutput();    // and its FIN waits behind data: LAST_ACK
        return held("last-ack", server, "LISTEN", "FIN-WAIT-2", "LAST-ACK");
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            if (c instanceof SocketChannel ch && ch.isOpen()) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0); // RST: leave nothing lingering behind
            }
            c.close();
        }
        open.clear();
    }

    // --- making sockets

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private ServerSocketChannel listener(int backlog, int receiveBuffer) throws IOException {
        ServerSocketChannel server = track(ServerSocketChannel.open());
        if (receiveBuffer > 0) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer); // inherited by accepted sockets
        }
        server.bind(new InetSocketAddress(LOOPBACK, 0), backlog);
        return server;
    }

    private SocketChannel connect(ServerSocketChannel server, int receiveBuffer, int sendBuffer) throws IOException {
        SocketChannel c = track(SocketChannel.open());
        if (receiveBuffer > 0) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        if (sendBuffer > 0) {
            c.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
        }
        c.connect(new InetSocketAddress(LOOPBACK, port(server)));
        return c;
    }

    /** Writes until neither the peer's window nor our send buffer take more. */
    private static void fill(SocketChannel c) throws Exception {
        c.configureBlocking(false);
        ByteBuffer data = ByteBuffer.allocate(64 * 1024);
        int idle = 0;
        long total = 0;
        while (idle < 5) {
            data.clear();
            int n = c.write(data);
            total += n;
            if (n == 0) {
                idle++;
                Thread.sleep(50);
            } else {
                idle = 0;
            }
            check(total <= 64L * 1024 * 1024, "the peer kept taking data: " + total + " bytes");
        }
    }

    private static Held held(String recipe, ServerSocketChannel server, String... ssStates) throws IOException {
        return new Held(recipe, port(server), new TreeSet<>(List.of(ssStates)));
    }

    private static int port(ServerSocketChannel server) throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }
}
