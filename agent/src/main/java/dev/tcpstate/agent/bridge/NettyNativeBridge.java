package dev.tcpstate.agent.bridge;

import dev.tcpstate.agent.socket.NettyNativeSockets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;

/**
 * What the advice woven into Netty's native transports calls (epoll, io_uring; also shaded copies of
 * Netty): it finds the Netty socket behind a channel or its inner {@code Unsafe}, keeps out what is
 * no TCP connection (datagram and domain sockets share Netty's socket class), and hands the rest to
 * {@link SocketBridge} with the socket as the connection's key. Never throws; what it drops is counted with SocketBridge's.
 */
public final class NettyNativeBridge {

    /** Linux errno values io_uring completions carry, negated (io_uring is Linux only). */
    private static final int ECONNRESET = -104;
    private static final int EPIPE = -32;
    private static final int EINPROGRESS = -115;
    private static final int EALREADY = -114;
    /** An io_uring connect that failed: the completion carries an errno, not an exception; only its kind is recorded. */
    private static final Throwable IO_URING_CONNECT_FAILED = new ConnectException("io_uring connect failed");
    /** The errno of a completion, as the message {@link SocketBridge#ioFailure} recognises a reset by. */
    private static final Throwable RESET = new IOException("Connection reset by peer");
    private static final Throwable BROKEN_PIPE = new IOException("Broken pipe");

    private NettyNativeBridge() {
    }

    // ---------------------------------------------------------------- io.netty.channel.unix.Socket (epoll, and parts of io_uring)

    /** {@code Socket.connect(SocketAddress)} starts: only a TCP socket towards an IP address is a connection. */
    public static void connectStart(Object socket, Object remote) {
        try {
            if (remote instanceof InetSocketAddress && NettyNativeSockets.isNettySocket(socket)
                    && NettyNativeSockets.isStream(socket)) {
                SocketBridge.connectStart(socket, remote, "Netty Socket.connect");
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** The socket is listening: its local address is known by now (bound before). */
    public static void listen(Object socket) {
        try {
            if (NettyNativeSockets.isNettySocket(socket) && NettyNativeSockets.localOf(socket) != null) {
                SocketBridge.listen(socket, "Netty Socket.listen");
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** {@code Socket.shutdown(read, write)} returned without failure. */
    public static void shutdown(Object socket, boolean input, boolean output) {
        if (output) {
            SocketBridge.shutdownOutput(socket, "Netty Socket.shutdown");
        }
        if (input) {
            SocketBridge.shutdownInput(socket, "Netty Socket.shutdown");
        }
    }

    /** A read returned {@code n} (negative: end of stream), or failed. */
    public static void read(Object socket, long n, Throwable failure) {
        if (failure != null) {
            SocketBridge.ioFailure(socket, failure, "Netty read");
        } else if (n < 0) {
            SocketBridge.endOfStream(socket, "Netty read EOF");
        }
    }

    // ---------------------------------------------------------------- channels: accept, io_uring

    /** A server channel made the channel of a connection it accepted. */
    public static void accepted(Object childChannel, String trigger) {
        try {
            Object socket = NettyNativeSockets.socketOfChannel(childChannel);
            if (socket != null) {
                SocketBridge.accepted(socket, trigger);
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** An io_uring channel submits its connect to the ring. */
    public static void ioUringConnectStart(Object channel, Object remote) {
        try {
            Object socket = NettyNativeSockets.socketOfChannel(channel);
            connectStart(socket, remote);
            SocketBridge.connectSubmitted(socket, "Netty Socket.connect");
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /**
     * The ring completed an io_uring connect with {@code res}: 0 connected, EINPROGRESS or EALREADY still
     * pending (then {@code Socket.finishConnect} ends it), any other errno failed.
     */
    public static void ioUringConnectComplete(Object unsafe, int res) {
        try {
            if (res == EINPROGRESS || res == EALREADY) {
                return;
            }
            Object socket = NettyNativeSockets.socketOfUnsafe(unsafe);
            if (socket != null) {
                SocketBridge.connectEnd(socket, true, res == 0 ? null : IO_URING_CONNECT_FAILED, "Netty io_uring connect");
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** The ring completed a read of a stream channel: 0 is the end of the stream, ECONNRESET a reset. */
    public static void ioUringReadComplete(Object unsafe, int res) {
        try {
            Object socket = res == 0 || res == ECONNRESET ? NettyNativeSockets.socketOfUnsafe(unsafe) : null;
            if (socket == null) {
                return;
            }
            if (res == 0) {
                SocketBridge.endOfStream(socket, "Netty io_uring read EOF");
            } else {
                SocketBridge.ioFailure(socket, RESET, "Netty io_uring read");
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** The ring completed a write: ECONNRESET or EPIPE mean the peer reset the connection. */
    public static void ioUringWriteComplete(Object unsafe, int res) {
        try {
            Object socket = res == ECONNRESET || res == EPIPE ? NettyNativeSockets.socketOfUnsafe(unsafe) : null;
            if (socket != null) {
                SocketBridge.ioFailure(socket, res == EPIPE ? BROKEN_PIPE : RESET, "Netty io_uring write");
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** An io_uring channel closes: it marks its socket closed and submits the close to the ring. */
    public static void ioUringClose(Object channel) {
        try {
            Object socket = NettyNativeSockets.socketOfChannel(channel);
            if (socket != null) {
                SocketBridge.close(socket, null);
            }
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }
}
