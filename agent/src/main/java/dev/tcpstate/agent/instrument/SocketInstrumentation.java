package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.net.Socket;
import java.util.List;
import net.bytebuddy.asm.Advice;

/** {@code java.net.Socket} and its streams: connect, EOF, reset, shutdown, close. */
final class SocketInstrumentation {

    private static final String SOCKET = "java.net.Socket";
    private static final String INPUT = "java.net.Socket$SocketInputStream";
    private static final String OUTPUT = "java.net.Socket$SocketOutputStream";

    private SocketInstrumentation() {
    }

    static List<Hook> hooks() {
        return List.of(
                Hook.of(SOCKET, "connect", "(Ljava/net/SocketAddress;I)V", Connect.class),
                Hook.of(SOCKET, "shutdownInput", "()V", ShutdownInput.class),
                Hook.of(SOCKET, "shutdownOutput", "()V", ShutdownOutput.class),
                Hook.of(SOCKET, "close", "()V", Close.class),
                Hook.of(SOCKET, "setSoLinger", "(ZI)V", LingerSet.class),
                Hook.of(SOCKET, "setOption", "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/net/Socket;",
                        OptionSet.class),
                Hook.of(INPUT, "read", "([BII)I", Read.class),
                Hook.of(OUTPUT, "write", "([BII)V", Write.class));
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Socket self, @Advice.Argument(0) Object remote) {
            SocketBridge.connectStart(self, remote, "Socket.connect");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Socket self, @Advice.Thrown Throwable failure) {
            SocketBridge.connectEnd(self, true, failure, "Socket.connect");
        }
    }

    static final class ShutdownInput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Socket self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownInput(self, "Socket.shutdownInput");
            }
        }
    }

    static final class ShutdownOutput {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Socket self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketBridge.shutdownOutput(self, "Socket.shutdownOutput");
            }
        }
    }

    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Socket self) {
            SocketBridge.close(self, "Socket.close");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            SocketBridge.closeReturned();
        }
    }

    static final class LingerSet {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            SocketBridge.lingerSet();
        }
    }

    static final class OptionSet {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object option) {
            SocketBridge.optionSet(option);
        }
    }

    static final class Read {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Socket parent, @Advice.Return int n,
                @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(parent, failure, "Socket read");
            } else if (n < 0) {
                SocketBridge.endOfStream(parent, "Socket read EOF");
            }
        }
    }

    static final class Write {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Socket parent, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketBridge.ioFailure(parent, failure, "Socket write");
            }
        }
    }
}
