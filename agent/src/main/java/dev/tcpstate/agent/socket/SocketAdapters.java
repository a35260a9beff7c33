package dev.tcpstate.agent.socket;

import dev.tcpstate.contract.SocketKind;

/**
 * The one list of the socket kinds the agent can read. A new kind (a Netty transport, say) is one
 * {@link SocketAdapter} class, one line here and one {@link SocketKind} constant in the contract.
 */
public final class SocketAdapters {

    /** In the order they are tried; no JDK socket object is of two kinds. */
    private static final SocketAdapter[] ALL = {
        new ForSocketChannel(),
        new ForServerSocketChannel(),
        new ForAsynchronousSocketChannel(),
        new ForAsynchronousServerSocketChannel(),
        new ForServerSocket(),
        new ForSocket(),
        new ForNettySocket(SocketKind.NETTY_EPOLL),
        new ForNettySocket(SocketKind.NETTY_IO_URING),
    };

    private static final SocketAdapter[] BY_KIND = new SocketAdapter[SocketKind.values().length];

    static {
        for (SocketAdapter a : ALL) {
            BY_KIND[a.kind().ordinal()] = a;
        }
    }

    private SocketAdapters() {
    }

    /** The adapter of this socket object, or {@code null} for an object of no kind the agent knows. */
    public static SocketAdapter of(Object socket) {
        for (SocketAdapter a : ALL) {
            if (a.handles(socket)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The adapter of a tracked connection's kind, or {@code null} for {@link SocketKind#KERNEL} (no
     * socket object: only the kernel showed the connection).
     */
    public static SocketAdapter of(SocketKind kind) {
        return BY_KIND[kind.ordinal()];
    }
}
