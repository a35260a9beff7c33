package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * The asynchronous channels ({@code sun.nio.ch.AsynchronousSocketChannelImpl} and the Unix
 * implementations): connect start and completion, accept completion, bind, shutdown, close.
 * End of stream on an asynchronous read is delivered to a completion handler on another thread
 * and is not woven; the kernel view shows CLOSE_WAIT for these connections.
 */
final class AsynchronousChannelInstrumentation {

    private static final String CHANNEL = "sun.nio.ch.AsynchronousSocketChannelImpl";
    private static final String UNIX_CHANNEL = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
    private static final String SERVER = "sun.nio.ch.AsynchronousServerSocketChannelImpl";
    private static final String UNIX_SERVER = "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";

    private AsynchronousChannelInstrumentation() {
    }

    static List<Hook> hooks() {
        return List.of(
                Hook.of(CHANNEL, "connect", "(Ljava/net/SocketAddress;)Ljava/util/concurrent/Future;", Connect.class),
                Hook.of(CHANNEL, "connect",
                        "(Ljava/net/SocketAddress;Ljava/lang/Object;Ljava/nio/channels/CompletionHandler;)V",
                        Connect.class),
                Hook.of(UNIX_CHANNEL, "setConnected", "()V", Connected.class),
                Hook.of(CHANNEL, "shutdownInput", "()Ljava/nio/channels/AsynchronousSocketChannel;", ShutdownInput.class),
                Hook.of(CHANNEL, "shutdownOutput", "()Ljava/nio/channels/AsynchronousSocketChannel;", ShutdownOutput.class),
                Hook.of(CHANNEL, "close", "()V", Close.class),
                Hook.of(CHANNEL, "setOption",
                        "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/nio/channels/AsynchronousSocketChannel;",
                        SocketInstrumentation.OptionSet.class),
                Hook.of(SERVER, "bind", "(Ljava/net/SocketAddress;I)Ljava/nio/channels/AsynchronousServerSocketChannel;",
                        Bind.class),
                Hook.anyOf(UNIX_SERVER, "finishAccept", List.of(
                        "(Ljava/io/FileDescriptor;Ljava/net/InetSocketAddress;Ljava/security/AccessControlContext;)"
                                + "Ljava/nio/channels/AsynchronousSocketChannel;",
                        "(Ljava/io/FileDescriptor;Ljava/net/InetSocketAddress;)Ljava/nio/channels/AsynchronousSocketChannel;"),
                        Accept.class),
                Hook.of(SERVER, "close", "()V", Close.class));
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            SocketBridge.connectStart(self, remote, "AsynchronousSocketChannel.connect");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, false, failure, "AsynchronousSocketChannel.connect");
        }
    }

    static final class Connected {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, failure == null, failure, "AsynchronousSocketChannel.connect completed");
        }
    }

    static final class ShutdownInput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownInput(self, "AsynchronousSocketChannel.shutdownInput");
            }
        }
    }

    static final class ShutdownOutput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownOutput(self, "AsynchronousSocketChannel.shutdownOutput");
            }
        }
    }

    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.close(self, "AsynchronousChannel.close");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            SocketBridge.closeReturned();
        }
    }

    static final class Bind {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.listen(self, "AsynchronousServerSocketChannel.bind");
            }
        }
    }

    static final class Accept {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Return Object accepted, @Advice.Thrown Throwable failure) {
            if (failure == null && accepted != null) {
                SocketBridge.accepted(accepted, "AsynchronousServerSocketChannel.accept");
            }
        }
    }
}
