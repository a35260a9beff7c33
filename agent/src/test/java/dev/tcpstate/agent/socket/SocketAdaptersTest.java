package dev.tcpstate.agent.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tcpstate.contract.SocketKind;
import java.io.Closeable;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One adapter per socket kind of the contract, and none for what is no socket. */
class SocketAdaptersTest {

    @ParameterizedTest
    @EnumSource(value = SocketKind.class, names = "KERNEL", mode = EnumSource.Mode.EXCLUDE)
    void everySocketKindHasItsAdapter(SocketKind kind) {
        SocketAdapter adapter = SocketAdapters.of(kind);
        assertNotNull(adapter, kind + " has no adapter in SocketAdapters");
        assertEquals(kind, adapter.kind());
    }

    @Test
    void aConnectionOnlyTheKernelShowedHasNoSocketToRead() {
        assertNull(SocketAdapters.of(SocketKind.KERNEL));
    }

    @Test
    void eachJdkSocketObjectIsReadByTheAdapterOfItsKind() throws Exception {
        assertKind(SocketKind.SOCKET, new Socket());
        assertKind(SocketKind.SERVER_SOCKET, new ServerSocket());
        assertKind(SocketKind.SOCKET_CHANNEL, SocketChannel.open());
        assertKind(SocketKind.SERVER_SOCKET_CHANNEL, ServerSocketChannel.open());
        assertKind(SocketKind.ASYNCHRONOUS_SOCKET_CHANNEL, AsynchronousSocketChannel.open());
        assertKind(SocketKind.ASYNCHRONOUS_SERVER_SOCKET_CHANNEL, AsynchronousServerSocketChannel.open());
    }

    private static void assertKind(SocketKind kind, Closeable socket) throws Exception {
        try (socket) {
            assertEquals(kind, SocketAdapters.of(socket).kind(), socket.getClass().getName());
        }
    }

    @Test
    void anObjectOfNoKnownKindHasNoAdapter() {
        assertNull(SocketAdapters.of(new Object()));
        assertNull(SocketAdapters.of("Socket"));
        assertNull(SocketAdapters.of((Object) null));
    }
}
