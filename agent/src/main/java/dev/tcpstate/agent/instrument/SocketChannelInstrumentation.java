package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: the public channel API and the blocking paths its socket
 * adaptor ({@code SocketChannel.socket()}) uses, so an adaptor call is seen once, on the channel.
 */
final class SocketChannelInstrumentation {

    private static final String IMPL = "sun.nio.ch.SocketChannelImpl";
    /**
     * Where every channel's close starts, while the channel is still open (so SO_LINGER and unread
     * input can still be read). Files pass here too: the bridge's lookup misses them at once.
     */
    static final String CHANNEL = "java.nio.channels.spi.AbstractInterruptibleChannel";

    private SocketChannelInstrumentation() {
    }

    static List<Hook> hooks() {
        return List.of(
                Hook.of(IMPL, "connect", "(Ljava/net/SocketAddress;)Z", Connect.class),
                Hook.of(IMPL, "blockingConnect", "(Ljava/net/SocketAddress;J)V", BlockingConnect.class),
                Hook.of(IMPL, "finishConnect", "()Z", FinishConnect.class),
                Hook.of(IMPL, "read", "(Ljava/nio/ByteBuffer;)I", Read.class),
                Hook.of(IMPL, "read", "([Ljava/nio/ByteBuffer;II)J", ScatteringRead.class),
                Hook.of(IMPL, "blockingRead", "([BIIJ)I", Read.class),
                Hook.of(IMPL, "write", "(Ljava/nio/ByteBuffer;)I", Write.class),
                Hook.of(IMPL, "write", "([Ljava/nio/ByteBuffer;II)J", Write.class),
                Hook.of(IMPL, "blockingWriteFully", "([BII)V", Write.class),
                Hook.of(IMPL, "shutdownInput", "()Ljava/nio/channels/SocketChannel;", ShutdownInput.class),
                Hook.of(IMPL, "shutdownOutput", "()Ljava/nio/channels/SocketChannel;", ShutdownOutput.class),
                Hook.of(IMPL, "setOption", "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/nio/channels/SocketChannel;",
                        SocketInstrumentation.OptionSet.class),
                Hook.of(CHANNEL, "close", "()V", Close.class));
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            SocketBridge.connectStart(self, remote, "SocketChannel.connect");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, connected, failure, "SocketChannel.connect");
        }
    }

    static final class BlockingConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            SocketBridge.connectStart(self, remote, "SocketChannel.socket().connect");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, true, failure, "SocketChannel.socket().connect");
        }
    }

    static final class FinishConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.finishConnectStart(self);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, connected, failure, "SocketChannel.finishConnect");
        }
    }

    static final class Read {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(self, failure, "SocketChannel read");
            } else if (n < 0) {
                SocketBridge.endOfStream(self, "SocketChannel read EOF");
            }
        }
    }

    static final class ScatteringRead {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(self, failure, "SocketChannel read");
            } else if (n < 0) {
                SocketBridge.endOfStream(self, "SocketChannel read EOF");
            }
        }
    }

    static final class Write {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(self, failure, "SocketChannel write");
            }
        }
    }

    static final class ShutdownInput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownInput(self, "SocketChannel.shutdownInput");
            }
        }
    }

    static final class ShutdownOutput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownOutput(self, "SocketChannel.shutdownOutput");
            }
        }
    }

    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.close(self, null);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            SocketBridge.closeReturned();
        }
    }
}
