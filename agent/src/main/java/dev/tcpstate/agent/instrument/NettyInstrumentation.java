package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.NettyNativeBridge;
import dev.tcpstate.agent.bridge.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native transports, which bypass {@code java.net}. Epoll goes through
 * {@code io.netty.channel.unix.Socket} (connect, finishConnect, listen, shutdown, recv/send) and
 * {@code FileDescriptor} (close, read/write); its accepted connections get their socket in
 * {@code EpollServerSocketChannel.newChildChannel}. io_uring submits connect, reads, writes and close
 * to the ring: they are seen where it submits or completes them, on its channel or the channel's inner
 * {@code Unsafe}; it still listens, shuts down and finishes a pending connect through {@code Socket}.
 * Descriptors are those of Netty 4.2.18, with the variants of earlier 4.2 releases where they differ.
 * The connection's key is always the Netty socket object.
 */
final class NettyInstrumentation implements LibraryInstrumentation {

    private static final String SOCKET = "io.netty.channel.unix.Socket";
    private static final String FILE_DESCRIPTOR = "io.netty.channel.unix.FileDescriptor";
    private static final String EPOLL_SERVER = "io.netty.channel.epoll.EpollServerSocketChannel";
    private static final String URING_CHANNEL = "io.netty.channel.uring.AbstractIoUringChannel";
    private static final String URING_UNSAFE = "io.netty.channel.uring.AbstractIoUringChannel$AbstractUringUnsafe";
    private static final String URING_STREAM_UNSAFE =
            "io.netty.channel.uring.AbstractIoUringStreamChannel$IoUringStreamUnsafe";
    private static final String URING_SERVER = "io.netty.channel.uring.IoUringServerSocketChannel";

    @Override
    public String name() {
        return "Netty";
    }

    @Override
    public String rootPackage() {
        return "io.netty";
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                // epoll, and what io_uring shares with it
                Hook.of(SOCKET, "connect", "(Ljava/net/SocketAddress;)Z", Connect.class),
                Hook.of(SOCKET, "finishConnect", "()Z", FinishConnect.class),
                Hook.of(SOCKET, "listen", "(I)V", Listen.class),
                Hook.of(SOCKET, "shutdown", "(ZZ)V", Shutdown.class),
                Hook.of(SOCKET, "setSoLinger", "(I)V", LingerSet.class),
                Hook.of(SOCKET, "recv", "(Ljava/nio/ByteBuffer;II)I", Read.class),
                Hook.of(SOCKET, "recvAddress", "(JII)I", Read.class),
                Hook.of(SOCKET, "send", "(Ljava/nio/ByteBuffer;II)I", Write.class),
                Hook.of(SOCKET, "sendAddress", "(JII)I", Write.class),
                Hook.of(FILE_DESCRIPTOR, "close", "()V", SocketChannelInstrumentation.Close.class),
                Hook.of(FILE_DESCRIPTOR, "read", "(Ljava/nio/ByteBuffer;II)I", Read.class),
                Hook.of(FILE_DESCRIPTOR, "readAddress", "(JII)I", Read.class),
                Hook.of(FILE_DESCRIPTOR, "write", "(Ljava/nio/ByteBuffer;II)I", Write.class),
                Hook.of(FILE_DESCRIPTOR, "writeAddress", "(JII)I", Write.class),
                Hook.of(FILE_DESCRIPTOR, "writev", "([Ljava/nio/ByteBuffer;IIJ)J", Write.class),
                Hook.of(FILE_DESCRIPTOR, "writevAddresses", "(JI)J", Write.class),
                Hook.of(EPOLL_SERVER, "newChildChannel", "(I[BII)Lio/netty/channel/Channel;", EpollAccepted.class),
                // io_uring
                Hook.of(URING_CHANNEL, "submitConnect", "(Ljava/net/InetSocketAddress;)V", IoUringConnect.class),
                Hook.of(URING_CHANNEL, "doClose", "()V", IoUringClose.class),
                Hook.anyOf(URING_UNSAFE, "connectComplete", List.of("(BIIJ)V", "(BIIS)V"), IoUringConnectComplete.class),
                Hook.anyOf(URING_STREAM_UNSAFE, "readComplete0", List.of("(BIISI)V", "(BIIJI)V"),
                        IoUringReadComplete.class),
                Hook.anyOf(URING_STREAM_UNSAFE, "writeComplete0", List.of("(BIIJI)Z", "(BIISI)Z"),
                        IoUringWriteComplete.class),
                Hook.anyOf(URING_SERVER, "newChildChannel", List.of("(ILjava/nio/ByteBuffer;)Lio/netty/channel/Channel;",
                        "(IJJ)Lio/netty/channel/Channel;"), IoUringAccepted.class));
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            NettyNativeBridge.connectStart(self, remote);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, connected, failure, "Netty Socket.connect");
        }
    }

    static final class FinishConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.finishConnectStart(self);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, connected, failure, "Netty Socket.finishConnect");
        }
    }

    static final class Listen {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                NettyNativeBridge.listen(self);
            }
        }
    }

    static final class Shutdown {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) boolean input, @Advice.Argument(1) boolean output,
                @Advice.Thrown Throwable failure) {
            if (failure == null) {
                NettyNativeBridge.shutdown(self, input, output);
            }
        }
    }

    static final class LingerSet {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            SocketBridge.lingerSet();
        }
    }

    /** Every read returns a count, negative at the end of the stream; the advice is one comparison unless then. */
    static final class Read {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable failure) {
            if (failure != null || n < 0) {
                NettyNativeBridge.read(self, n, failure);
            }
        }
    }

    static final class Write {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(self, failure, "Netty write");
            }
        }
    }

    /** The child channel is made, and not yet handed to the pipeline. */
    static final class EpollAccepted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return Object child) {
            NettyNativeBridge.accepted(child, "Netty epoll accept");
        }
    }

    static final class IoUringAccepted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return Object child) {
            NettyNativeBridge.accepted(child, "Netty io_uring accept");
        }
    }

    static final class IoUringConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            NettyNativeBridge.ioUringConnectStart(self, remote);
        }
    }

    /** On entry: the promise's listeners, which may already write or close, run inside. */
    static final class IoUringConnectComplete {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(1) int res) {
            NettyNativeBridge.ioUringConnectComplete(self, res);
        }
    }

    /** On entry, before the pipeline hears of it; only an end of stream or an error reaches the bridge. */
    static final class IoUringReadComplete {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(1) int res) {
            if (res <= 0) {
                NettyNativeBridge.ioUringReadComplete(self, res);
            }
        }
    }

    static final class IoUringWriteComplete {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(1) int res) {
            if (res < 0) {
                NettyNativeBridge.ioUringWriteComplete(self, res);
            }
        }
    }

    /** While the socket is still open (SO_LINGER can still be read): the ring closes it later. */
    static final class IoUringClose {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            NettyNativeBridge.ioUringClose(self);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            SocketBridge.closeReturned();
        }
    }
}
