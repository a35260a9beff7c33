package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For sockets this test makes the kernel hold in each state, on loopback, both readers report exactly
 * the rows {@code ss -tanoe} shows for the test's own ports: same ports, state, inode (and TIME_WAIT's
 * time left). The machine is shared: every comparison is filtered by the test's listener port.
 */
class KernelStatesAgreeWithSsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** ::ffff:127.0.0.1 as the sink receives it */
    private static final long MAPPED_LOOPBACK_LO = 0x0000_FFFF_7F00_0001L;

    private static KernelTable proc;
    private static KernelTable netlink;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void readers() {
        assumeTrue(ProcTcpTable.ofThisProcess() != null, "skipped: this OS has no /proc/self/net/tcp6");
        if (!SsTable.available()) {
            System.out.println("skipped: ss (iproute2) is not installed; the kernel-truth tests need it");
            assumeTrue(false, "ss (iproute2) is not installed");
        }
        proc = KernelTables.proc();
        try {
            netlink = KernelTables.netlink();
        } catch (UnsupportedOperationException e) {
            if (Runtime.version().feature() >= 22 && !e.getMessage().contains("needs JDK 22")) {
                fail("the netlink reader should work on JDK " + Runtime.version().feature() + ": " + e.getMessage());
            }
            System.out.println("netlink reader not compared: " + e.getMessage());
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            if (c instanceof SocketChannel ch && ch.isOpen()) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0); // RST: leave nothing lingering behind
            }
            c.close();
        }
    }

    @Test
    void listenAndEstablished() throws Exception {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        SocketChannel accepted = track(server.accept());
        agree(port(server), "LISTEN", "ESTAB");
        assertTrue(accepted.isConnected() && client.isConnected());
    }

    @Test
    void synSentWhileTheListenersBacklogIsFull() throws Exception {
        ServerSocketChannel server = listener(1, -1);
        for (int attempt = 0; attempt < 10; attempt++) {
            SocketChannel c = track(SocketChannel.open());
            c.configureBlocking(false);
            if (!c.connect(new InetSocketAddress(LOOPBACK, port(server)))) {
                long deadline = System.nanoTime() + 300_000_000L;
                while (!c.finishConnect() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (!c.isConnected()) {
                    agree(port(server), "LISTEN", "ESTAB", "SYN-SENT");
                    return;
                }
            }
        }
        fail("ten connects to a listener with backlog 1 all completed");
    }

    @Test
    void finWait2AndCloseWaitAfterAShutdownThePeerIgnores() throws Exception {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        track(server.accept());
        client.shutdownOutput();
        agree(port(server), "LISTEN", "FIN-WAIT-2", "CLOSE-WAIT");
    }

    @Test
    void timeWaitAfterAnActiveClose() throws Exception {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, -1, -1);
        SocketChannel accepted = track(server.accept());
        client.close();
        assertEquals(-1, accepted.read(ByteBuffer.allocate(16)));
        accepted.close();
        agree(port(server), "LISTEN", "TIME-WAIT");
    }

    @Test
    void finWait1WhileThePeerWindowIsFull() throws Exception {
        ServerSocketChannel server = listener(50, 4096);
        SocketChannel client = connect(server, -1, 4096);
        track(server.accept()); // never reads
        fill(client);
        client.shutdownOutput();
        agree(port(server), "LISTEN", "ESTAB", "FIN-WAIT-1");
    }

    @Test
    void closingWhenBothSidesSendFinAndOneIsStuck() throws Exception {
        ServerSocketChannel server = listener(50, 4096);
        SocketChannel client = connect(server, -1, 4096);
        SocketChannel accepted = track(server.accept());
        fill(client);
        client.shutdownOutput();      // FIN_WAIT_1: the FIN waits behind data the peer will not take
        accepted.shutdownOutput();    // the peer's FIN arrives while ours is unsent
        agree(port(server), "LISTEN", "CLOSING", "FIN-WAIT-2");
    }

    @Test
    void lastAckWhenTheClosingSidesFinIsStuck() throws Exception {
        ServerSocketChannel server = listener(50, -1);
        SocketChannel client = connect(server, 4096, -1); // never reads: a small window
        SocketChannel accepted = track(server.accept());
        accepted.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        fill(accepted);
        client.shutdownOutput();      // the server is in CLOSE_WAIT
        accepted.shutdownOutput();    // and its FIN waits behind data: LAST_ACK
        agree(port(server), "LISTEN", "FIN-WAIT-2", "LAST-ACK");
    }

    @Test
    void synReceivedIsNotTested() {
        System.out.println("skipped: SYN_RECEIVED needs a peer that stalls the handshake (raw sockets or"
                + " an nft rule in a network namespace of our own): both need privileges these tests do not ask for");
        assumeTrue(false, "SYN_RECEIVED cannot be held steadily without root");
    }

    // --- the comparison

    /**
     * Waits until ss shows exactly {@code states} (as a set) for rows of {@code port}, then checks that
     * each reader reports the same rows as ss, read just before and just after.
     */
    private static void agree(int port, String... states) throws Exception {
        Set<String> want = new TreeSet<>(List.of(states));
        Predicate<SsTable.Row> mine = r -> r.localPort() == port || r.peerPort() == port;
        Set<String> ssBefore = Set.of();
        Set<String> fromProc = Set.of();
        Set<String> fromNetlink = Set.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            List<SsTable.Row> ss = SsTable.read();
            ssBefore = ssKeys(ss, mine);
            Set<String> ssStates = new TreeSet<>();
            ss.stream().filter(mine).forEach(r -> ssStates.add(r.state()));
            if (!ssStates.equals(want)) {
                Thread.sleep(100);
                continue;
            }
            List<KernelRows.Row> procRows = KernelRows.of(proc);
            fromProc = keys(procRows, port);
            fromNetlink = netlink == null ? null : keys(KernelRows.of(netlink), port);
            Set<String> ssAfter = ssKeys(SsTable.read(), mine);
            if (ssBefore.equals(ssAfter) && ssBefore.equals(fromProc)
                    && (fromNetlink == null || fromNetlink.equals(fromProc))) {
                checkAddresses(procRows, port);
                checkTimeWaitTimers(ss, procRows, port);
                System.out.println("agree on port " + port + ": " + fromProc);
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(ssBefore, fromProc, "ss and the /proc reader, port " + port);
        if (fromNetlink != null) {
            assertEquals(fromProc, fromNetlink, "the /proc and netlink readers, port " + port);
        }
        fail("ss never showed exactly " + want + " for port " + port + "; last: " + ssBefore);
    }

    private static Set<String> ssKeys(List<SsTable.Row> rows, Predicate<SsTable.Row> mine) {
        Set<String> keys = new TreeSet<>();
        rows.stream().filter(mine).forEach(r -> keys.add(key(r.localPort(), r.peerPort(), r.state(), r.inode())));
        return keys;
    }

    private static Set<String> keys(List<KernelRows.Row> rows, int port) {
        Set<String> keys = new TreeSet<>();
        for (KernelRows.Row r : rows) {
            if (r.localPort() == port || r.remotePort() == port) {
                keys.add(key(r.localPort(), r.remotePort(), SsTable.ssName(r.state()), r.inode()));
            }
        }
        return keys;
    }

    private static String key(int localPort, int peerPort, String state, long inode) {
        return localPort + ">" + peerPort + " " + state + " ino:" + inode;
    }

    /** Java's sockets are dual-stack: their rows are in tcp6, as ::ffff:127.0.0.1 (the listener's peer is ::). */
    private static void checkAddresses(List<KernelRows.Row> rows, int port) {
        for (KernelRows.Row r : rows) {
            if (r.localPort() == port || r.remotePort() == port) {
                assertEquals(0, r.localHi());
                assertEquals(MAPPED_LOOPBACK_LO, r.localLo(), () -> Long.toHexString(r.localLo()));
                assertEquals(0, r.remoteHi());
                assertEquals(r.state() == 10 ? 0 : MAPPED_LOOPBACK_LO, r.remoteLo(), () -> Long.toHexString(r.remoteLo()));
            }
        }
    }

    /** ss prints TIME_WAIT's time left in whole seconds: the readers' milliseconds agree within two. */
    private static void checkTimeWaitTimers(List<SsTable.Row> ss, List<KernelRows.Row> rows, int port) {
        for (KernelRows.Row r : rows) {
            if (r.state() == 6 && (r.localPort() == port || r.remotePort() == port)) {
                SsTable.Row s = ss.stream().filter(x -> x.localPort() == r.localPort() && x.peerPort() == r.remotePort())
                        .findFirst().orElseThrow();
                assertEquals("timewait", s.timerName());
                assertTrue(Math.abs(s.timerMillis() - r.timerMillisLeft()) <= 2000,
                        "ss says " + s.timerMillis() + " ms, the reader " + r.timerMillisLeft() + " ms");
                assertTrue(r.timerMillisLeft() > 0 && r.timerMillisLeft() <= 60_000, "" + r.timerMillisLeft());
            } else if (r.state() == 10) {
                assertEquals(-1, r.timerMillisLeft(), "a listener runs no timer");
            }
        }
    }

    // --- making sockets

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private ServerSocketChannel listener(int backlog, int receiveBuffer) throws IOException {
        ServerSocketChannel server = track(ServerSocketChannel.open());
        if (receiveBuffer > 0) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer); // inherited by accepted sockets
        }
        server.bind(new InetSocketAddress(LOOPBACK, 0), backlog);
        return server;
    }

    private SocketChannel connect(ServerSocketChannel server, int receiveBuffer, int sendBuffer) throws IOException {
        SocketChannel c = track(SocketChannel.open());
        if (receiveBuffer > 0) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        if (sendBuffer > 0) {
            c.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
        }
        c.connect(new InetSocketAddress(LOOPBACK, port(server)));
        return c;
    }

    /** Writes until neither the peer's window nor our send buffer take more. */
    private static void fill(SocketChannel c) throws Exception {
        c.configureBlocking(false);
        ByteBuffer data = ByteBuffer.allocate(64 * 1024);
        int idle = 0;
        long total = 0;
        while (idle < 5) {
            data.clear();
            int n = c.write(data);
            total += n;
            if (n == 0) {
                idle++;
                Thread.sleep(50);
            } else {
                idle = 0;
            }
            if (total > 64L * 1024 * 1024) {
                fail("the peer kept taking data: " + total + " bytes");
            }
        }
    }

    private static int port(ServerSocketChannel server) throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

}
