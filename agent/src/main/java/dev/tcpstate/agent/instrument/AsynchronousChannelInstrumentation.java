package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.MemberSubstitution;

/**
 * The asynchronous channels ({@code sun.nio.ch.AsynchronousSocketChannelImpl} and the Unix
 * implementations): connect start and completion, accept completion, bind, shutdown, close, and the
 * end of stream of a read.
 *
 * <p>A read's result reaches the application as a {@code Future} or through a {@code CompletionHandler},
 * inline or later on a thread of the channel group, and no method of the channel returns it. Both
 * places where the Unix channel reads the socket ({@code implRead}, when the read completes at once,
 * and {@code finishRead}, when the socket became readable later) call {@code IOUtil.read}, once per
 * completed read, before the future or the handler gets the result: its return value passes through
 * {@link ReadResult}. A read after {@code shutdownInput} is answered -1 without reading and is not
 * an end of stream the peer sent.
 */
public final class AsynchronousChannelInstrumentation {

    private static final String CHANNEL = "sun.nio.ch.AsynchronousSocketChannelImpl";
    private static final String UNIX_CHANNEL = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
    private static final String SERVER = "sun.nio.ch.AsynchronousServerSocketChannelImpl";
    private static final String UNIX_SERVER = "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";
    private static final Hook.Callee SOCKET_READ = new Hook.Callee("sun.nio.ch.IOUtil", "read");

    private AsynchronousChannelInstrumentation() {
    }

    /**
     * The types woven as they load rather than loaded to be woven at the installation: few applications
     * use these channels, and weaving the four took ~170 ms of the installer's ~400 ms (JDK 17, 2 cores)
     * while a short-lived JVM's first connections competed with it for the CPU.
     */
    static final java.util.Set<String> WOVEN_AS_THEY_LOAD = java.util.Set.of(CHANNEL, UNIX_CHANNEL, SERVER, UNIX_SERVER);

    static List<Hook> hooks() {
        return List.of(
                Hook.of(CHANNEL, "connect", "(Ljava/net/SocketAddress;)Ljava/util/concurrent/Future;", Connect.class),
                Hook.of(CHANNEL, "connect",
                        "(Ljava/net/SocketAddress;Ljava/lang/Object;Ljava/nio/channels/CompletionHandler;)V",
                        Connect.class),
                Hook.of(UNIX_CHANNEL, "setConnected", "()V", Connected.class),
                Hook.afterCalls(UNIX_CHANNEL, "implRead", "(ZLjava/nio/ByteBuffer;[Ljava/nio/ByteBuffer;"
                        + "JLjava/util/concurrent/TimeUnit;Ljava/lang/Object;Ljava/nio/channels/CompletionHandler;)"
                        + "Ljava/util/concurrent/Future;", SOCKET_READ, ReadResult.class),
                Hook.afterCalls(UNIX_CHANNEL, "finishRead", "(Z)V", SOCKET_READ, ReadResult.class),
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

    /**
     * What the channel's read of the socket returned ({@code IOStatus}: a count, -1 at end of stream,
     * below that no data yet or interrupted), for the scattering read too. Not inlined: called from the
     * JDK, hence public; it returns the count untouched and lets nothing escape.
     */
    public static final class ReadResult {
        private static final int END_OF_STREAM = -1;

        private ReadResult() {
        }

        public static int read(@MemberSubstitution.This(source = MemberSubstitution.Source.ENCLOSING_METHOD)
                Object channel, @MemberSubstitution.Current int n) {
            if (n == END_OF_STREAM) {
                endOfStream(channel);
            }
            return n;
        }

        public static long read(@MemberSubstitution.This(source = MemberSubstitution.Source.ENCLOSING_METHOD)
                Object channel, @MemberSubstitution.Current long n) {
            if (n == END_OF_STREAM) {
                endOfStream(channel);
            }
            return n;
        }

        private static void endOfStream(Object channel) {
            try {
                SocketBridge.endOfStream(channel, "AsynchronousSocketChannel read EOF");
            } catch (Throwable t) {
                // the bridge never throws; this guards what a JDK call site cannot (e.g. a LinkageError)
            }
        }
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
