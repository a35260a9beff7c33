package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class SocketInodesTest {

    @Test
    void aListenerOfThisProcessIsOwnedAfterTheRescanItAskedFor() throws Exception {
        assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")) && KernelTables.proc() != null, "skipped: not Linux");
        SocketInodes inodes = SocketInodes.ofThisProcess();
        inodes.rescan();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            long inode = KernelRows.of(KernelTables.proc()).stream()
                    .filter(r -> r.localPort() == port && r.state() == 10).findFirst().orElseThrow().inode();
            assertFalse(inodes.owns(inode), "opened after the scan: not known yet");
            assertFalse(inodes.rescanIfWanted(2), "not before two samples have passed");
            assertTrue(inodes.rescanIfWanted(2), "an unplaced inode asks for a rescan");
            assertTrue(inodes.owns(inode));
            assertTrue(inodes.contains(inode));
            assertFalse(inodes.rescanIfWanted(0), "nothing unplaced: no rescan");
        }
    }

    @Test
    void anotherProcesssInodeIsAskedAboutOnceThenKnownForeign() throws Exception {
        assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "skipped: not Linux");
        SocketInodes inodes = SocketInodes.ofThisProcess();
        inodes.rescan();
        long foreign = Long.MAX_VALUE - 7; // no socket has it
        assertFalse(inodes.owns(foreign));
        assertTrue(inodes.rescanIfWanted(0));
        assertFalse(inodes.owns(foreign));
        assertFalse(inodes.rescanIfWanted(0), "known foreign since the last scan: no rescan");
        assertFalse(inodes.owns(0));
    }
}
