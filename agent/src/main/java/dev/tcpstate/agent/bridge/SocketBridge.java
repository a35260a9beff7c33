package dev.tcpstate.agent.bridge;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.agent.socket.SocketAdapter;
import dev.tcpstate.agent.socket.SocketAdapters;
import dev.tcpstate.agent.state.ClosePolicy;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only class the woven advice calls. Static, loaded by the bootstrap class loader, free of
 * {@code jdk.jfr} types. Each call is a guarded hand-off ({@link #guarded}): to the registry, to the
 * {@link SocketAdapter} of the socket's kind for what the socket itself says, and to the
 * {@link ClosePolicy} for FIN or RST. Every {@code Throwable} is swallowed and counted: nothing the
 * agent does may change what the application sees.
 */
public final class SocketBridge {

    private static volatile ConnectionRegistry registry;
    private static final AtomicLong dropped = new AtomicLong();
    /** The socket whose connect (or finishConnect) runs on this thread: its internal close on failure is part of it. */
    private static final ThreadLocal<Object> CONNECTING = new ThreadLocal<>();
    /** The connection whose close() runs on this thread: decided at its start, settled at its end. */
    private static final ThreadLocal<Connection> CLOSING = new ThreadLocal<>();
    private static final ClosePolicy CLOSE_POLICY = new ClosePolicy();

    private SocketBridge() {
    }

    public static void install(ConnectionRegistry r) {
        registry = r;
    }

    public static void uninstall() {
        registry = null;
    }

    /** Observations lost to a failure inside the agent (or to a socket of no kind it knows). */
    public static long droppedCount() {
        return dropped.get();
    }

    /** The registry while the agent runs, else null: for the other bridge classes of this package. */
    static ConnectionRegistry registry() {
        return registry;
    }

    /** An observation another bridge class of this package lost to a failure inside the agent. */
    static void drop() {
        dropped.incrementAndGet();
    }

    // ---------------------------------------------------------------- what the advice calls

    public static void connectStart(Object socket, Object remote, String trigger) {
        guarded(Handoff.CONNECT_START, socket, remote, trigger);
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
        if (registry != null) {
            CONNECTING.remove();
        }
        guarded(connected ? Handoff.CONNECTED : Handoff.CONNECT_PENDING, socket, failure, trigger);
    }

    /**
     * A connect handed to something that completes it later (io_uring's ring), on the connecting
     * thread: its start is recorded now, with this stack, as a non-blocking connect's at its return.
     */
    public static void connectSubmitted(Object socket, String trigger) {
        guarded(Handoff.CONNECT_SUBMITTED, socket, null, trigger);
    }

    public static void listen(Object listener, String trigger) {
        guarded(Handoff.LISTEN, listener, null, trigger);
    }

    public static void accepted(Object accepted, String trigger) {
        guarded(Handoff.ACCEPTED, accepted, null, trigger);
    }

    /** A connection {@code listener} accepted: its local address is the listener's, when that is not a wildcard. */
    public static void accepted(Object accepted, Object listener, String trigger) {
        guarded(Handoff.ACCEPTED, accepted, listener, trigger);
    }

    public static void endOfStream(Object socket, String trigger) {
        guarded(Handoff.STIMULUS, socket, Stimulus.READ_EOF, trigger);
    }

    /** An I/O call failed: a reset or broken pipe means the peer sent RST. */
    public static void ioFailure(Object socket, Throwable failure, String trigger) {
        guarded(Handoff.IO_FAILURE, socket, failure, trigger);
    }

    public static void shutdownOutput(Object socket, String trigger) {
        guarded(Handoff.STIMULUS, socket, Stimulus.SHUTDOWN_OUTPUT, trigger);
    }

    public static void shutdownInput(Object socket, String trigger) {
        guarded(Handoff.STIMULUS, socket, Stimulus.SHUTDOWN_INPUT, trigger);
    }

    /**
     * close() is about to run (enter advice): decide here whether it will send FIN or RST. A null
     * trigger names the call after the kind of socket (channels share one close method).
     */
    public static void close(Object socket, String trigger) {
        guarded(Handoff.CLOSE, socket, null, trigger);
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

    /** Socket.setSoLinger was called. */
    public static void lingerSet() {
        CLOSE_POLICY.lingerSet();
    }

    /** A setOption was called: only SO_LINGER matters here. */
    public static void optionSet(Object option) {
        if (option == StandardSocketOptions.SO_LINGER) {
            CLOSE_POLICY.lingerSet();
        }
    }

    /** Every SO_LINGER setter is woven, from now on: connections first seen from now need not be asked. */
    public static void lingerSettersWoven(long sinceNanos) {
        CLOSE_POLICY.lingerSettersWoven(sinceNanos);
    }

    /** The weaving was undone: what sockets are set up with goes unseen again. */
    public static void lingerSettersUnwoven() {
        CLOSE_POLICY.lingerSettersUnwoven();
    }

    // ---------------------------------------------------------------- the guard

    /** What a guarded call hands on; {@code arg} is the one argument beyond the socket and the trigger. */
    private enum Handoff { CONNECT_START, CONNECTED, CONNECT_PENDING, CONNECT_SUBMITTED, LISTEN, ACCEPTED, STIMULUS, IO_FAILURE, CLOSE }

    /**
     * The one place a call reaches the registry: not while the agent is off, never throwing, every
     * failure counted. Static and free of lambdas, so that the advice's path allocates nothing here.
     */
    private static void guarded(Handoff handoff, Object socket, Object arg, String trigger) {
        ConnectionRegistry r = registry;
        if (r == null || socket == null) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            switch (handoff) {
                case CONNECT_START -> connectStart(r, socket, arg, trigger);
                case CONNECTED -> connectEnd(r, socket, true, (Throwable) arg, trigger);
                case CONNECT_PENDING -> connectEnd(r, socket, false, (Throwable) arg, trigger);
                case CONNECT_SUBMITTED -> connectSubmitted(r, socket, trigger);
                case LISTEN -> listen(r, socket, trigger);
                case ACCEPTED -> accepted(r, socket, arg, trigger);
                case STIMULUS -> apply(r, socket, (Stimulus) arg, trigger);
                case IO_FAILURE -> ioFailure(r, socket, (Throwable) arg, trigger);
                case CLOSE -> close(r, socket, trigger);
                default -> throw new AssertionError(handoff);
            }
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- the hand-offs

    /**
     * Starts tracking a socket, with the adapter of its kind; {@code null} when the registry is full,
     * or (counted as dropped) when the socket is of no kind the agent knows.
     */
    private static Connection track(ConnectionRegistry r, Object socket, Role role, TcpState initial) {
        SocketAdapter adapter = SocketAdapters.of(socket);
        if (adapter == null) {
            dropped.incrementAndGet();
            return null;
        }
        return r.track(socket, adapter.kind(), role, initial);
    }

    /** The adapter chosen when the connection was tracked (its kind says which). */
    private static SocketAdapter adapter(Connection c) {
        return SocketAdapters.of(c.kind());
    }

    private static void connectStart(ConnectionRegistry r, Object socket, Object remote, String trigger) {
        Connection c = track(r, socket, Role.CLIENT, TcpState.CLOSED);
        if (c == null) {
            return;
        }
        CONNECTING.set(socket);
        r.setEndpoints(c, adapter(c).local(socket),
                remote instanceof SocketAddress ? Endpoint.of((SocketAddress) remote) : null);
        r.apply(c, Stimulus.CONNECT, trigger);
    }

    private static void connectEnd(ConnectionRegistry r, Object socket, boolean connected, Throwable failure,
            String trigger) {
        Connection c = r.lookup(socket);
        if (c == null || c.state() != TcpState.SYN_SENT) {
            return;
        }
        if (failure != null) {
            r.apply(c, Stimulus.CONNECT_FAILED, trigger + " failed: " + failure.getClass().getSimpleName());
            r.untrack(socket);
            return;
        }
        SocketAdapter adapter = adapter(c);
        r.setEndpoints(c, adapter.local(socket), adapter.remote(socket));
        if (connected) {
            r.apply(c, Stimulus.CONNECT_ESTABLISHED, trigger);
        } else {
            r.connectPending(c, trigger);
        }
    }

    private static void connectSubmitted(ConnectionRegistry r, Object socket, String trigger) {
        Connection c = r.lookup(socket);
        if (c != null) {
            r.connectPending(c, trigger);
        }
    }

    private static void listen(ConnectionRegistry r, Object listener, String trigger) {
        Connection c = track(r, listener, Role.LISTENER, TcpState.CLOSED);
        if (c == null) {
            return;
        }
        r.setEndpoints(c, adapter(c).local(listener), null);
        r.apply(c, Stimulus.BIND_LISTEN, trigger);
    }

    private static void accepted(ConnectionRegistry r, Object accepted, Object listener, String trigger) {
        Connection c = track(r, accepted, Role.SERVER, TcpState.SYN_RECEIVED);
        if (c == null) {
            return;
        }
        SocketAdapter adapter = adapter(c);
        Endpoint local = listener == null ? null : acceptedLocal(r, listener, accepted);
        r.setEndpoints(c, local != null ? local : adapter.local(accepted), adapter.remote(accepted));
        r.apply(c, Stimulus.ACCEPT, trigger);
    }

    /** The local address of an accepted connection as its listener knows it, without asking the kernel. */
    private static Endpoint acceptedLocal(ConnectionRegistry r, Object listener, Object accepted) {
        SocketAdapter of = SocketAdapters.of(listener);
        if (of == null) {
            return null;
        }
        Connection l = r.lookup(listener);
        return of.acceptedLocal(listener, l == null ? null : l.local(), accepted);
    }

    private static void apply(ConnectionRegistry r, Object socket, Stimulus stimulus, String trigger) {
        Connection c = r.lookup(socket);
        if (c != null) {
            r.apply(c, stimulus, trigger);
        }
    }

    private static void ioFailure(ConnectionRegistry r, Object socket, Throwable failure, String trigger) {
        if (isReset(failure)) {
            apply(r, socket, Stimulus.RESET, trigger + ": " + failure.getMessage());
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

    private static void close(ConnectionRegistry r, Object socket, String trigger) {
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
        r.beforeClose(c); // the kernel may know of a peer's FIN that Java never read
        AbortCause cause = CLOSE_POLICY.onClose(c.state(), c.firstSeenNanos(), c.endOfStreamRead(), adapter(c),
                socket);
        if (cause == null) {
            r.apply(c, Stimulus.CLOSE, trigger);
        } else {
            r.apply(c, Stimulus.ABORT, cause, trigger + " " + cause.description());
        }
        r.untrack(socket);
        CLOSING.set(c);
    }
}
