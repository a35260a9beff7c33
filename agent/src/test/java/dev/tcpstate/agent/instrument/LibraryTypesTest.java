package dev.tcpstate.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LibraryTypesTest {

    private final LibraryTypes types = new LibraryTypes(LibraryInstrumentations.all());

    @Test
    void nettysOwnClassesAndShadedCopiesMatchOtherClassesOfTheSameSimpleNameDoNot() {
        assertTrue(types.matches("io.netty.channel.unix.Socket"));
        assertTrue(types.matches("io.grpc.netty.shaded.io.netty.channel.unix.Socket"));
        assertTrue(types.matches("io.netty.channel.uring.AbstractIoUringChannel$AbstractUringUnsafe"));
        assertFalse(types.matches("java.net.Socket"));
        assertFalse(types.matches("com.example.channel.unix.Socket"));
        assertFalse(types.matches("io.grpc.netty.shaded.xio.netty.channel.unix.Socket"));
        assertFalse(types.matches("io.netty.channel.unix.SocketWritableByteChannel"));
    }

    @Test
    void aShadedCopysDescriptorsNameItsRelocatedClasses() {
        String root = LibraryInstrumentation.relocatedRoot("io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel",
                "io.netty.channel.epoll.EpollServerSocketChannel", "io.netty");
        assertEquals("io.grpc.netty.shaded.io.netty", root);
        assertEquals("(I[BII)Lio/grpc/netty/shaded/io/netty/channel/Channel;",
                LibraryInstrumentation.relocate("(I[BII)Lio/netty/channel/Channel;", "io.netty", root));
        assertEquals("(Ljava/net/SocketAddress;)Z",
                LibraryInstrumentation.relocate("(Ljava/net/SocketAddress;)Z", "io.netty", root));
        assertNull(LibraryInstrumentation.relocatedRoot("io.netty.channel.epoll.EpollSocketChannel",
                "io.netty.channel.epoll.EpollServerSocketChannel", "io.netty"));
    }

    /** Every library hook names its library's own class, once per method and descriptor. */
    @Test
    void everyLibraryHookIsUnderItsLibrarysRootAndListedOnce() {
        for (LibraryInstrumentation library : LibraryInstrumentations.all()) {
            Set<String> keys = new HashSet<>();
            for (Hook h : library.hooks()) {
                assertTrue(h.typeName().startsWith(library.rootPackage() + "."), h.toString());
                for (String d : h.descriptors()) {
                    assertTrue(keys.add(h.key(d)), "listed twice: " + h.key(d));
                }
            }
        }
        assertEquals(List.of(), Installer.hooks().stream().filter(h -> h.typeName().startsWith("io.netty.")).toList());
    }
}
