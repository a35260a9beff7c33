package dev.tcpstate.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.agent.registry.EventSink;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge with real sockets on loopback and a real registry: each test makes the calls the woven
 * advice would make around the socket's own calls, and reads what the registry recorded.
 */
class SocketBridgeTest {

    record Change(long id, TcpState from, TcpState to, Stimulus stimulus, AbortCause cause, String trigger) {
        @Override
        public String toString() {
            String why = cause == null ? "" : "(" + cause + ")";
            return from + " -" + stimulus + why + "-> " + to + " [" + trigger + "]";
        }
    }

    static final class RecordingSink implements EventSink {
        final List<Change> changes = new ArrayList<>();
        final List<String> anomalies = new ArrayList<>();

        @Override
        public synchronized void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus,
                AbortCause abortCause, Source source, String trigger, long previousStateNanos, long kernelTimerMillis) {
            changes.add(new Change(c.id(), from, to, stimulus, abortCause, trigger));
        }

        @Override
        public synchronized void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
            anomalies.add(state + " " + stimulus + " [" + trigger + "]");
        }

        synchronized List<String> of(Connection c) {
            return changes.stream().filter(e -> e.id() == c.id()).map(Change::toString).toList();
        }
    }

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final RecordingSink sink = new RecordingSink();
    final ConnectionRegistry registry = new ConnectionRegistry(sink, 1000);

    @BeforeEach
    void install() {
        SocketBridge.install(registry);
    }

    @AfterEach
    void uninstall() {
        SocketBridge.uninstall();
        assertEquals(List.of(), sink.anomalies);
    }

    // ---------------------------------------------------------------- what the advice would call

    private static ServerSocket listening() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(LOOPBACK, 0));
        SocketBridge.listen(server, "ServerSocket.bind");
        return server;
    }

    private static Socket connected(ServerSocket server) throws IOException {
        Socket client = new Socket();
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
        SocketBridge.connectStart(client, address, "Socket.connect");
        client.connect(address);
        SocketBridge.connectEnd(client, true, null, "Socket.connect");
        return client;
    }

    private static Socket accepted(ServerSocket server) throws IOException {
        Socket accepted = server.accept();
        SocketBridge.accepted(accepted, server, "ServerSocket.accept");
        return accepted;
    }

    private static void close(Object socket, String trigger, AutoCloseable close) throws Exception {
        SocketBridge.close(socket, trigger);
        close.close();
        SocketBridge.closeReturned();
    }

    private Connection tracked(Object socket) {
        Connection c = registry.lookup(socket);
        assertNotNull(c, "tracked: " + socket);
        return c;
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void aConnectionIsOpenedAcceptedEndedByThePeerAndClosedOnBothSides() throws Exception {
        try (ServerSocket server = listening(); Socket client = connected(server); Socket accepted = accepted(server)) {
            Connection listener = tracked(server);
            Connection c = tracked(client);
            Connection s = tracked(accepted);
            assertEquals(SocketKind.SERVER_SOCKET, listener.kind());
            assertEquals(SocketKind.SOCKET, c.kind());
            assertEquals(SocketKind.SOCKET, s.kind());
            assertEquals(Endpoint.of(LOOPBACK, client.getLocalPort()), c.local());
            assertEquals(Endpoint.of(LOOPBACK, server.getLocalPort()), c.remote());
            assertEquals(c.remote(), s.local(), "the accepted connection's local address is the listener's");
            assertEquals(c.local(), s.remote());

            close(client, "Socket.close", client);
            assertEquals(-1, accepted.getInputStream().read());
            SocketBridge.endOfStream(accepted, "Socket read EOF");
            close(accepted, "Socket.close", accepted);
            close(server, "ServerSocket.close", server);

            assertEquals(List.of("CLOSED -BIND_LISTEN-> LISTEN [ServerSocket.bind]",
                    "LISTEN -CLOSE-> CLOSED [ServerSocket.close]"), sink.of(listener));
            assertEquals(List.of("SYN_SENT -CONNECT_ESTABLISHED-> ESTABLISHED [Socket.connect]",
                    "ESTABLISHED -CLOSE-> FIN_WAIT_1 [Socket.close]",
                    "FIN_WAIT_1 -ASSUMED_PEER_CLOSED-> TIME_WAIT [assumed: the peer acknowledges our FIN and closes]"),
                    sink.of(c));
            assertEquals(List.of("SYN_RECEIVED -ACCEPT-> ESTABLISHED [ServerSocket.accept]",
                    "ESTABLISHED -READ_EOF-> CLOSE_WAIT [Socket read EOF]",
                    "CLOSE_WAIT -CLOSE-> LAST_ACK [Socket.close]"), sink.of(s));
            assertNull(registry.lookup(client), "a closed socket is no longer tracked");
        }
    }

    @Test
    void aChannelIsConnectedAndAcceptedThroughItsOwnKind() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            SocketBridge.listen(server, "ServerSocketChannel.bind");
            try (SocketChannel client = SocketChannel.open(); SocketChannel accepted = connectChannel(server, client)) {
                Connection c = tracked(client);
                Connection s = tracked(accepted);
                assertEquals(SocketKind.SERVER_SOCKET_CHANNEL, tracked(server).kind());
                assertEquals(SocketKind.SOCKET_CHANNEL, c.kind());
                assertEquals(Endpoint.of(client.getLocalAddress()), c.local());
                assertEquals(Endpoint.of(accepted.getLocalAddress()), c.remote());
                assertEquals(c.remote(), s.local());
                assertEquals(c.local(), s.remote());

                close(client, null, client);
                assertEquals(List.of("SYN_SENT -CONNECT_ESTABLISHED-> ESTABLISHED [SocketChannel.connect]",
                        "ESTABLISHED -CLOSE-> FIN_WAIT_1 [SocketChannel.close]",
                        "FIN_WAIT_1 -ASSUMED_PEER_CLOSED-> TIME_WAIT"
                                + " [assumed: the peer acknowledges our FIN and closes]"), sink.of(c));
            }
        }
    }

    /** A connect that returns pending records its start then, on its own thread; finishConnect its end. */
    @Test
    void aNonBlockingConnectRecordsItsStartWhenItReturnsPending() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                SocketChannel client = SocketChannel.open()) {
            client.configureBlocking(false);
            SocketBridge.connectStart(client, server.getLocalAddress(), "SocketChannel.connect");
            boolean connected = client.connect(server.getLocalAddress());
            SocketBridge.connectEnd(client, connected, null, "SocketChannel.connect");
            Connection c = tracked(client);
            if (connected) {
                // loopback may complete at once: then it is the blocking case's one event
                assertEquals(List.of("SYN_SENT -CONNECT_ESTABLISHED-> ESTABLISHED [SocketChannel.connect]"), sink.of(c));
                return;
            }
            assertEquals(List.of("CLOSED -CONNECT-> SYN_SENT [SocketChannel.connect]"), sink.of(c));
            while (!client.finishConnect()) {
                Thread.onSpinWait();
            }
            SocketBridge.connectEnd(client, true, null, "SocketChannel.finishConnect");
            assertEquals(List.of("CLOSED -CONNECT-> SYN_SENT [SocketChannel.connect]",
                    "SYN_SENT -CONNECT_ESTABLISHED-> ESTABLISHED [SocketChannel.finishConnect]"), sink.of(c));
        }
    }

    private static SocketChannel connectChannel(ServerSocketChannel server, SocketChannel client) throws IOException {
        SocketBridge.connectStart(client, server.getLocalAddress(), "SocketChannel.connect");
        boolean connected = client.connect(server.getLocalAddress());
        SocketBridge.connectEnd(client, connected, null, "SocketChannel.connect");
        SocketChannel accepted = server.accept();
        SocketBridge.accepted(accepted, "ServerSocketChannel.accept");
        return accepted;
    }

    @Test
    void aRefusedConnectIsOneFailureNotAClose() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket gone = new ServerSocket(0, 1, LOOPBACK)) {
            nobody = new InetSocketAddress(LOOPBACK, gone.getLocalPort());
        }
        Socket client = new Socket();
        SocketBridge.connectStart(client, nobody, "Socket.connect");
        Connection c = tracked(client);
        ConnectException refused = assertThrows(ConnectException.class, () -> client.connect(nobody));
        // the failing connect closes its socket, inside the connect: the advice sees that close too
        close(client, "Socket.close", client);
        SocketBridge.connectEnd(client, true, refused, "Socket.connect");

        assertEquals(List.of("SYN_SENT -CONNECT_FAILED-> CLOSED [Socket.connect failed: ConnectException]"), sink.of(c));
        assertNull(registry.lookup(client));
    }

    // ---------------------------------------------------------------- RST

    @Test
    void aCloseWithSoLingerZeroIsAnAbortAndThePeerSeesTheReset() throws Exception {
        try (ServerSocket server = listening(); Socket client = connected(server); Socket accepted = accepted(server)) {
            Connection c = tracked(client);
            Connection s = tracked(accepted);
            client.setSoLinger(true, 0);
            SocketBridge.lingerSet();
            close(client, "Socket.close", client);
            IOException reset = assertThrows(IOException.class, () -> accepted.getInputStream().read());
            SocketBridge.ioFailure(accepted, reset, "Socket read");

            assertEquals(List.of("ESTABLISHED -ABORT(LINGER_ZERO)-> CLOSED [Socket.close with SO_LINGER 0]"),
                    sink.of(c).subList(1, sink.of(c).size()));
            assertEquals(List.of("SYN_RECEIVED -ACCEPT-> ESTABLISHED [ServerSocket.accept]",
                    "ESTABLISHED -RESET-> CLOSED [Socket read: " + reset.getMessage() + "]"), sink.of(s));
        }
    }

    @Test
    void aCloseWithUnreadInputIsAnAbort() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                SocketChannel client = SocketChannel.open(); SocketChannel accepted = connectChannel(server, client)) {
            Connection c = tracked(client);
            accepted.write(ByteBuffer.wrap(new byte[] {1, 2}));
            assertEquals(1, client.read(ByteBuffer.allocate(1)), "one byte read, one left unread");
            close(client, null, client);

            assertEquals(List.of("ESTABLISHED -ABORT(UNREAD_INPUT)-> CLOSED [SocketChannel.close with unread input]"),
                    sink.of(c).subList(1, sink.of(c).size()));
        }
    }

    @Test
    void afterTheEndOfTheStreamNothingIsUnreadAndTheCloseSendsFin() throws Exception {
        try (ServerSocket server = listening(); Socket client = connected(server); Socket accepted = accepted(server)) {
            Connection c = tracked(client);
            accepted.getOutputStream().write(1);
            accepted.shutdownOutput();
            assertEquals(1, client.getInputStream().read());
            assertEquals(-1, client.getInputStream().read());
            SocketBridge.endOfStream(client, "Socket read EOF");
            close(client, "Socket.close", client);

            assertEquals(List.of("ESTABLISHED -READ_EOF-> CLOSE_WAIT [Socket read EOF]",
                    "CLOSE_WAIT -CLOSE-> LAST_ACK [Socket.close]"), sink.of(c).subList(1, sink.of(c).size()));
        }
    }

    // ---------------------------------------------------------------- what never reaches the application

    @Test
    void aFailureBehindTheBridgeIsCountedAndNeverThrown() throws Exception {
        Socket broken = new Socket() {
            @Override
            public boolean isBound() {
                throw new AssertionError("a bug behind the bridge");
            }
        };
        long before = SocketBridge.droppedCount();
        SocketBridge.connectStart(broken, new InetSocketAddress(LOOPBACK, 9), "Socket.connect");
        assertEquals(before + 1, SocketBridge.droppedCount());
        assertEquals(List.of(), sink.of(tracked(broken)), "the observation was dropped");

        try (ServerSocket server = listening(); Socket client = connected(server)) {
            assertEquals(TcpState.ESTABLISHED, tracked(client).state(), "and the bridge carries on");
        }
    }

    @Test
    void anObjectOfNoKnownKindIsNotTrackedAndCounted() {
        Object notASocket = new Object();
        long before = SocketBridge.droppedCount();
        SocketBridge.connectStart(notASocket, new InetSocketAddress(LOOPBACK, 9), "Socket.connect");
        SocketBridge.listen(notASocket, "ServerSocket.bind");
        SocketBridge.accepted(notASocket, "ServerSocket.accept");
        assertNull(registry.lookup(notASocket));
        assertEquals(before + 3, SocketBridge.droppedCount());

        SocketBridge.endOfStream(notASocket, "Socket read EOF");
        SocketBridge.close(notASocket, "Socket.close");
        SocketBridge.closeReturned();
        assertEquals(before + 3, SocketBridge.droppedCount(), "an untracked socket's other calls are no failure");
        assertEquals(List.of(), sink.changes);
    }

    @Test
    void whileTheAgentIsOffNothingIsTracked() throws Exception {
        SocketBridge.uninstall();
        try (ServerSocket server = listening(); Socket client = connected(server)) {
            assertNull(registry.lookup(server));
            assertNull(registry.lookup(client));
        }
        assertEquals(List.of(), sink.changes);
    }
}
