package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.net.ServerSocket}: bind (LISTEN), accept, close. Accept is woven in
 * {@code implAccept(Socket)}, which both {@code accept()} and subclasses (SSL) go through.
 */
final class ServerSocketInstrumentation {

    private static final String SERVER_SOCKET = "java.net.ServerSocket";

    private ServerSocketInstrumentation() {
    }

    static List<Hook> hooks() {
        return List.of(
                Hook.of(SERVER_SOCKET, "bind", "(Ljava/net/SocketAddress;I)V", Bind.class),
                Hook.of(SERVER_SOCKET, "implAccept", "(Ljava/net/Socket;)V", Accept.class),
                Hook.of(SERVER_SOCKET, "close", "()V", Close.class));
    }

    static final class Bind {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This ServerSocket self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.listen(self, "ServerSocket.bind");
            }
        }
    }

    static final class Accept {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This ServerSocket self, @Advice.Argument(0) Socket accepted,
                @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.accepted(accepted, self, "ServerSocket.accept");
            }
        }
    }

    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This ServerSocket self) {
            SocketBridge.close(self, "ServerSocket.close");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            SocketBridge.closeReturned();
        }
    }
}
