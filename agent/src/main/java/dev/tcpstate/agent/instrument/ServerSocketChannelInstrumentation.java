package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.ServerSocketChannelImpl}: bind and accept (channel and adaptor paths); its close is
 * woven where every channel's close starts (see {@link SocketChannelInstrumentation}).
 */
final class ServerSocketChannelInstrumentation {

    private static final String IMPL = "sun.nio.ch.ServerSocketChannelImpl";

    private ServerSocketChannelInstrumentation() {
    }

    static List<Hook> hooks() {
        return List.of(
                Hook.of(IMPL, "bind", "(Ljava/net/SocketAddress;I)Ljava/nio/channels/ServerSocketChannel;", Bind.class),
                Hook.of(IMPL, "accept", "()Ljava/nio/channels/SocketChannel;", Accept.class),
                Hook.of(IMPL, "blockingAccept", "(J)Ljava/nio/channels/SocketChannel;", Accept.class));
    }

    static final class Bind {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.listen(self, "ServerSocketChannel.bind");
            }
        }
    }

    static final class Accept {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Return Object accepted, @Advice.Thrown Throwable failure) {
            if (failure == null && accepted != null) {
                SocketBridge.accepted(accepted, "ServerSocketChannel.accept");
            }
        }
    }

}
