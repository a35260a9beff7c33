package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The netlink reader's state of one socket now, what a close asks before it runs, against real
 * loopback sockets: ESTABLISHED, then CLOSE_WAIT once the peer's FIN arrived unread, then nothing once
 * the close ended it; never the state of another socket. Also prints what one query costs. JDK 22+
 * only: on older JDKs the reader is absent and /proc cannot ask (-1).
 */
class NetlinkStateNowTest {
    private static final int ESTABLISHED = 1;
    private static final int CLOSE_WAIT = 8;
    private static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;
    private static final int COST_LOOP = 20_000;

    @Test
    void procCannotAsk() throws Exception {
        KernelTable proc = KernelTables.proc();
        assumeTrue(proc != null, "no /proc TCP table on this OS");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (proc; ServerSocket listener = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, listener.getLocalPort());
             Socket peer = listener.accept()) {
            assertEquals(-1, stateNow(proc, client));
        }
    }

    @Test
    void stateOfOneSocketFollowsThePeersFinAndOurClose() throws Exception {
        KernelTable netlink = netlinkOrSkip();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (netlink; ServerSocket listener = new ServerSocket(0, 1, loopback)) {
            Socket client = new Socket(loopback, listener.getLocalPort());
            Socket peer = listener.accept();
            assertEquals(ESTABLISHED, stateNow(netlink, client));
            Socket other = new Socket(loopback, listener.getLocalPort());
            try (other; Socket unused = listener.accept()) {
                long start = System.nanoTime();
                for (int i = 0; i < COST_LOOP; i++) {
                    if (stateNow(netlink, other) != ESTABLISHED) {
                        fail("query " + i + " did not find the ESTABLISHED socket");
                    }
                }
                long perQuery = (System.nanoTime() - start) / COST_LOOP;
                start = System.nanoTime();
                long sum = 0;
                for (int i = 0; i < COST_LOOP; i++) {
                    sum += other.getReceiveBufferSize(); // one getsockopt: this machine's price of a system call
                }
                long perGetsockopt = (System.nanoTime() - start) / COST_LOOP;
                System.out.println("netlink state of one socket: " + perQuery + " ns per query; one getsockopt "
                        + perGetsockopt + " ns (" + COST_LOOP + " each, JDK " + Runtime.version().feature() + ", "
                        + (sum > 0 ? "buffers seen" : "no buffer") + ")");
            }
            peer.close(); // the peer's FIN; the client reads nothing
            assertEquals(CLOSE_WAIT, awaitState(netlink, client, CLOSE_WAIT));
            client.close(); // our FIN after theirs: LAST_ACK, and the peer's ACK ends it at once on loopback
            assertEquals(-1, awaitState(netlink, client, -1, client.getLocalPort(), listener.getLocalPort()));
        }
    }

    private static KernelTable netlinkOrSkip() {
        try {
            return KernelTables.netlink();
        } catch (UnsupportedOperationException e) {
            if (Runtime.version().feature() >= 22 && !e.getMessage().contains("needs JDK 22")) {
                fail("the netlink reader should work on JDK " + Runtime.version().feature() + ": " + e.getMessage());
            }
            assumeTrue(false, "netlink reader absent: " + e.getMessage());
            return null;
        }
    }

    private static int stateNow(KernelTable table, Socket s) {
        return stateNow(table, s.getLocalPort(), s.getPort());
    }

    private static int stateNow(KernelTable table, int localPort, int remotePort) {
        long loopback = V4_MAPPED_PREFIX | ipv4(InetAddress.getLoopbackAddress());
        return table.linuxStateNow(0, loopback, localPort, 0, loopback, remotePort);
    }

    private static long ipv4(InetAddress address) {
        byte[] b = ((Inet4Address) address).getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static int awaitState(KernelTable table, Socket s, int wanted) throws InterruptedException {
        return awaitState(table, s, wanted, s.getLocalPort(), s.getPort());
    }

    /** The state once it is {@code wanted}, or the last one seen after 5 s. */
    private static int awaitState(KernelTable table, Socket s, int wanted, int localPort, int remotePort)
            throws InterruptedException {
        int state = stateNow(table, localPort, remotePort);
        for (int i = 0; i < 500 && state != wanted; i++) {
            Thread.sleep(10);
            state = stateNow(table, localPort, remotePort);
        }
        return state;
    }
}
