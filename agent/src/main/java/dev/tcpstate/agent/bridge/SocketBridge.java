package dev.tcpstate.agent.bridge;

import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only class the woven advice calls. Static, loaded by the bootstrap class loader, free of
 * {@code jdk.jfr} types. Every method swallows every {@code Throwable} (and counts it): nothing the
 * agent does may change what the application sees. It calls back into the socket only through
 * methods the agent does not weave (getters, {@code getSoLinger}, {@code available}), so it never
 * records its own activity.
 */
public final class SocketBridge {

    private static volatile ConnectionRegistry registry;
    private static final AtomicLong dropped = new AtomicLong();
    /** The socket whose connect (or finishConnect) runs on this thread: its internal close on failure is part of it. */
    private static final ThreadLocal<Object> CONNECTING = new ThreadLocal<>();
    /** The connection whose close() runs on this thread: decided at its start, settled at its end. */
    private static final ThreadLocal<Connection> CLOSING = new ThreadLocal<>();

    private SocketBridge() {
    }

    public static void install(ConnectionRegistry r) {
        registry = r;
    }

    public static void uninstall() {
        registry = null;
    }

    /** Observations lost to a failure inside the agent. */
    public static long droppedCount() {
        return dropped.get();
    }

    /** An observation another bridge class of this package lost to a failure inside the agent. */
    static void drop() {
        dropped.incrementAndGet();
    }

    // ---------------------------------------------------------------- opening

    public static void connectStart(Object socket, Object remote, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Connection c = r.track(socket, kindOf(socket), Role.CLIENT, TcpState.CLOSED);
            if (c == null) {
                return;
            }
            CONNECTING.set(socket);
            r.setEndpoints(c, localOf(socket), remote instanceof SocketAddress ? Endpoint.of((SocketAddress) remote) : null);
            r.apply(c, Stimulus.CONNECT, trigger);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** A finishConnect is about to run: a close on failure inside it belongs to the connect. */
    public static void finishConnectStart(Object socket) {
        if (registry != null) {
            CONNECTING.set(socket);
        }
    }

    /**
     * The end of connect / finishConnect: {@code connected} true when the handshake completed,
     * false when a non-blocking connect is still pending; {@code failure} when it failed.
     */
    public static void connectEnd(Object socket, boolean connected, Throwable failure, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            CONNECTING.remove();
            Faults.maybeFail("bridge");
            Connection c = r.lookup(socket);
            if (c == null || c.state() != TcpState.SYN_SENT) {
                return;
            }
            if (failure != null) {
                r.apply(c, Stimulus.CONNECT_FAILED, trigger + " failed: " + failure.getClass().getSimpleName());
                r.untrack(socket);
                return;
            }
            r.setEndpoints(c, localOf(socket), remoteOf(socket));
            if (connected) {
                r.apply(c, Stimulus.CONNECT_ESTABLISHED, trigger);
            }
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    public static void listen(Object listener, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Connection c = r.track(listener, kindOf(listener), Role.LISTENER, TcpState.CLOSED);
            if (c == null) {
                return;
            }
            r.setEndpoints(c, localOf(listener), null);
            r.apply(c, Stimulus.BIND_LISTEN, trigger);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    public static void accepted(Object accepted, String trigger) {
        accepted(accepted, null, trigger);
    }

    /** A connection {@code listener} accepted: its local address is the listener's, when that is not a wildcard. */
    public static void accepted(Object accepted, Object listener, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null || accepted == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Connection c = r.track(accepted, kindOf(accepted), Role.SERVER, TcpState.SYN_RECEIVED);
            if (c == null) {
                return;
            }
            Endpoint local = listener == null ? null : sharedLocal(r, listener, accepted);
            r.setEndpoints(c, local != null ? local : localOf(accepted), remoteOf(accepted));
            r.apply(c, Stimulus.ACCEPT, trigger);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- data path

    public static void endOfStream(Object socket, String trigger) {
        apply(socket, Stimulus.READ_EOF, trigger);
    }

    /** An I/O call failed: a reset or broken pipe means the peer sent RST. */
    public static void ioFailure(Object socket, Throwable failure, String trigger) {
        try {
            if (registry == null || !isReset(failure)) {
                return;
            }
            apply(socket, Stimulus.RESET, trigger + ": " + failure.getMessage());
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    static boolean isReset(Throwable failure) {
        if (!(failure instanceof java.io.IOException)) {
            return false;
        }
        String message = failure.getMessage();
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("connection reset") || m.contains("broken pipe") || m.contains("connection aborted");
    }

    // ---------------------------------------------------------------- closing

    public static void shutdownOutput(Object socket, String trigger) {
        apply(socket, Stimulus.SHUTDOWN_OUTPUT, trigger);
    }

    public static void shutdownInput(Object socket, String trigger) {
        apply(socket, Stimulus.SHUTDOWN_INPUT, trigger);
    }

    /**
     * close() is about to run (enter advice): decide here whether it will send FIN or RST. A null
     * trigger names the call after the kind of socket (channels share one close method).
     */
    public static void close(Object socket, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Connection c = r.lookup(socket);
            if (c == null) {
                return;
            }
            if (trigger == null) {
                trigger = c.kind().recorded() + ".close";
            }
            if (CONNECTING.get() == socket) {
                return; // the connect failed and closes its socket: connectEnd records the failure
            }
            TcpState state = c.state();
            AbortCause cause = null;
            if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_1
                    || state == TcpState.FIN_WAIT_2) {
                if (mayLinger(c) && lingerZero(socket)) {
                    cause = AbortCause.LINGER_ZERO;
                } else if (mayHaveUnreadInput(c) && hasUnreadInput(socket)) {
                    cause = AbortCause.UNREAD_INPUT;
                }
            }
            if (cause == null) {
                r.apply(c, Stimulus.CLOSE, trigger);
            } else {
                r.apply(c, Stimulus.ABORT, cause, trigger + " " + cause.description());
            }
            r.untrack(socket);
            CLOSING.set(c);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /**
     * close() returned: only now has the kernel seen it. Until then a kernel sample can still show
     * the state before the close, and must not be taken for news.
     */
    public static void closeReturned() {
        try {
            Connection c = CLOSING.get();
            if (c != null) {
                CLOSING.remove();
                ConnectionRegistry r = registry;
                if (r != null) {
                    r.settled(c);
                }
            }
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    private static void apply(Object socket, Stimulus stimulus, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Connection c = r.lookup(socket);
            if (c != null) {
                r.apply(c, stimulus, trigger);
            }
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- what close need not ask

    /**
     * Whether a socket of this JVM may have SO_LINGER set. Asking a socket costs a system call per
     * close, so close asks only once some code set the option, or for a connection first seen before
     * the setters were woven (its socket may have been set up before the agent could see it).
     */
    private static volatile boolean lingerSet;
    private static volatile boolean lingerWatched;
    private static volatile long lingerWatchedSinceNanos;

    /** Socket.setSoLinger was called. */
    public static void lingerSet() {
        lingerSet = true;
    }

    /** A setOption was called: only SO_LINGER matters here. */
    public static void optionSet(Object option) {
        if (option == StandardSocketOptions.SO_LINGER) {
            lingerSet = true;
        }
    }

    /** Every SO_LINGER setter is woven, from now on: connections first seen from now need not be asked. */
    public static void lingerSettersWoven(long sinceNanos) {
        lingerWatchedSinceNanos = sinceNanos;
        lingerWatched = true;
    }

    /** The weaving was undone: what sockets are set up with goes unseen again. */
    public static void lingerSettersUnwoven() {
        lingerWatched = false;
    }

    private static boolean mayLinger(Connection c) {
        return lingerSet || !lingerWatched || c.firstSeenNanos() - lingerWatchedSinceNanos < 0;
    }

    /**
     * After the application read the end of the stream, everything the peer sent before its FIN was
     * read, and nothing can follow a FIN: such a close leaves nothing unread, and need not ask.
     */
    private static boolean mayHaveUnreadInput(Connection c) {
        return !c.endOfStreamRead();
    }

    /**
     * The local endpoint of a connection a {@code ServerSocket} accepted, without asking the kernel:
     * the listener's own address, when it is bound to one address rather than a wildcard.
     */
    private static Endpoint sharedLocal(ConnectionRegistry r, Object listener, Object accepted) {
        if (!(listener instanceof ServerSocket) || !(accepted instanceof Socket)) {
            return null;
        }
        int port = ((Socket) accepted).getLocalPort();
        Connection l = r.lookup(listener);
        Endpoint known = l == null ? null : l.local();
        if (known != null && known.isSpecific() && known.port() == port) {
            return known;
        }
        InetAddress address = ((ServerSocket) listener).getInetAddress(); // kept by the socket: no system call
        return address == null || address.isAnyLocalAddress() ? null : Endpoint.of(address, port);
    }

    // ---------------------------------------------------------------- reading the socket, never weaving

    static SocketKind kindOf(Object s) {
        if (s instanceof SocketChannel) {
            return SocketKind.SOCKET_CHANNEL;
        }
        if (s instanceof ServerSocketChannel) {
            return SocketKind.SERVER_SOCKET_CHANNEL;
        }
        if (s instanceof AsynchronousSocketChannel) {
            return SocketKind.ASYNCHRONOUS_SOCKET_CHANNEL;
        }
        if (s instanceof AsynchronousServerSocketChannel) {
            return SocketKind.ASYNCHRONOUS_SERVER_SOCKET_CHANNEL;
        }
        if (s instanceof ServerSocket) {
            return SocketKind.SERVER_SOCKET;
        }
        return NettyNativeSockets.kindOr(s, SocketKind.SOCKET);
    }

    private static Endpoint localOf(Object s) {
        try {
            if (s instanceof Socket) {
                Socket socket = (Socket) s;
                return socket.isBound() ? Endpoint.of(socket.getLocalAddress(), socket.getLocalPort()) : null;
            }
            if (s instanceof ServerSocket) {
                ServerSocket ss = (ServerSocket) s;
                return ss.isBound() ? Endpoint.of(ss.getInetAddress(), ss.getLocalPort()) : null;
            }
            if (s instanceof NetworkChannel) {
                return Endpoint.of(((NetworkChannel) s).getLocalAddress());
            }
        } catch (Exception e) {
            // closed or not bound: the address stays unknown
        }
        return NettyNativeSockets.localOf(s);
    }

    private static Endpoint remoteOf(Object s) {
        try {
            if (s instanceof Socket) {
                Socket socket = (Socket) s;
                return socket.isConnected() ? Endpoint.of(socket.getInetAddress(), socket.getPort()) : null;
            }
            if (s instanceof SocketChannel) {
                return Endpoint.of(((SocketChannel) s).getRemoteAddress());
            }
            if (s instanceof AsynchronousSocketChannel) {
                return Endpoint.of(((AsynchronousSocketChannel) s).getRemoteAddress());
            }
        } catch (Exception e) {
            // closed: the address stays unknown
        }
        return NettyNativeSockets.remoteOf(s);
    }

    private static boolean lingerZero(Object s) {
        try {
            if (s instanceof Socket) {
                return ((Socket) s).getSoLinger() == 0;
            }
            if (s instanceof NetworkChannel) {
                Integer linger = ((NetworkChannel) s).getOption(StandardSocketOptions.SO_LINGER);
                return linger != null && linger == 0;
            }
        } catch (Exception e) {
            // unknown: assume the default (no linger)
        }
        return NettyNativeSockets.lingerZero(s);
    }

    private static boolean hasUnreadInput(Object s) {
        try {
            if (s instanceof Socket) {
                Socket socket = (Socket) s;
                return socket.isConnected() && !socket.isInputShutdown() && socket.getInputStream().available() > 0;
            }
            if (s instanceof SocketChannel) {
                // the adaptor's stream asks the channel itself (FIONREAD); nothing is read
                Socket adaptor = ((SocketChannel) s).socket();
                return !adaptor.isInputShutdown() && adaptor.getInputStream().available() > 0;
            }
        } catch (Exception e) {
            // unknown: assume none
        }
        return false;
    }
}
