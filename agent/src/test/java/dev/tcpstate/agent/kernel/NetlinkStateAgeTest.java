package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The netlink reader's age of one socket, against a real CLOSE_WAIT on loopback: the peer sends one
 * byte, later its FIN and nothing after. The age must be the time since the FIN (the peer's last
 * ACK-bearing segment), not since the byte ({@code tcpi_last_data_recv}, which a pure FIN leaves
 * alone). JDK 22+ only: on older JDKs the reader is absent and the test says so.
 */
class NetlinkStateAgeTest {
    private static final int CLOSE_WAIT = 8;
    /** The kernel counts in jiffies (4 ms at HZ=250; 10 ms at 100). */
    private static final long JIFFY_SLACK_MILLIS = 10;

    @Test
    void ageOfACloseWaitIsTheTimeSinceThePeersFinNotSinceItsLastData() throws Exception {
        KernelTable netlink;
        try {
            netlink = KernelTables.netlink();
        } catch (UnsupportedOperationException e) {
            if (Runtime.version().feature() >= 22 && !e.getMessage().contains("needs JDK 22")) {
                fail("the netlink reader should work on JDK " + Runtime.version().feature() + ": " + e.getMessage());
            }
            assumeTrue(false, "netlink reader absent: " + e.getMessage());
            return;
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (netlink; ServerSocket listener = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, listener.getLocalPort())) {
            long dataSent;
            long beforeFin;
            try (Socket peer = listener.accept()) {
                peer.getOutputStream().write(1);
                assertEquals(1, client.getInputStream().read());
                dataSent = System.nanoTime();
                Thread.sleep(1000);
                beforeFin = System.nanoTime();
            } // the peer's FIN
            KernelRow row = awaitCloseWait(netlink, client.getLocalPort());
            Thread.sleep(300);
            long age = netlink.millisSinceLastAckReceived(row);
            long sinceFinAtMost = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeFin) + JIFFY_SLACK_MILLIS;
            long sinceData = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dataSent);
            System.out.println("age " + age + " ms; since the FIN at most " + sinceFinAtMost + " ms, since the data "
                    + sinceData + " ms");
            assertTrue(age >= 300 - JIFFY_SLACK_MILLIS && age <= sinceFinAtMost,
                    "age " + age + " ms, between the 300 ms slept in CLOSE_WAIT and " + sinceFinAtMost + " ms since the FIN");
            assertTrue(age < sinceData - 900, "not the time since the last data (" + sinceData + " ms): " + age);

            client.close(); // CLOSE_WAIT ends: the kernel no longer holds this socket in the row's state
            assertEquals(-1, netlink.millisSinceLastAckReceived(row), "a socket gone or moved on has no age");
        }
    }

    /** The client's row, once the kernel has taken the peer's FIN (a copy: the dump's cursor is reused). */
    private static KernelRow awaitCloseWait(KernelTable table, int localPort) throws Exception {
        for (int i = 0; i < 500; i++) {
            KernelRow[] found = new KernelRow[1];
            int rows = table.read(new KernelRowSink() {
                @Override
                public void beginSample(long nanoTime) {
                }

                @Override
                public void row(KernelRow r) {
                    if (r.localPort() == localPort && r.linuxState() == CLOSE_WAIT) {
                        // as the reconciler asks: between two rows of a dump still being read
                        assertTrue(table.millisSinceLastAckReceived(r) >= 0, "asked during the dump");
                        found[0] = r.copy();
                    }
                }

                @Override
                public void endSample() {
                }
            });
            if (found[0] != null) {
                assertTrue(rows > 0, "the dump went on after the question");
                return found[0];
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no CLOSE_WAIT row for local port " + localPort);
    }
}
