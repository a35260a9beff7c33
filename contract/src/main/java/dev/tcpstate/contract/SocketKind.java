package dev.tcpstate.contract;

/**
 * The kind of socket object a connection belongs to: the recording's {@code socketKind} field, which
 * holds {@link #recorded()} (the Java type's simple name, or {@code Kernel}).
 */
public enum SocketKind {
    SOCKET("Socket"),
    SERVER_SOCKET("ServerSocket"),
    SOCKET_CHANNEL("SocketChannel"),
    SERVER_SOCKET_CHANNEL("ServerSocketChannel"),
    ASYNCHRONOUS_SOCKET_CHANNEL("AsynchronousSocketChannel"),
    ASYNCHRONOUS_SERVER_SOCKET_CHANNEL("AsynchronousServerSocketChannel"),
    /** Netty's epoll transport ({@code io.netty.channel.unix.Socket} of an {@code Epoll*Channel}), also shaded copies. */
    NETTY_EPOLL("NettyEpoll"),
    /** Netty's io_uring transport: connect, accept and close are submitted to the ring. */
    NETTY_IO_URING("NettyIoUring"),
    /** Found in the OS connection table; no Java call of it was seen. */
    KERNEL("Kernel");

    private final String recorded;

    SocketKind(String recorded) {
        this.recorded = recorded;
    }

    /** The word the recording holds. */
    public String recorded() {
        return recorded;
    }

    /** The kind a recording names, or {@code null} for a word of a newer agent. */
    public static SocketKind parse(String recorded) {
        for (SocketKind k : values()) {
            if (k.recorded.equals(recorded)) {
                return k;
            }
        }
        return null;
    }
}
