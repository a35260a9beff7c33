package dev.tcpstate.demo.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TcpTableTest {

    @Test
    void parsesARowOfProcNetTcpAndSkipsTheHeader() {
        assertNull(TcpTable.parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"));
        TcpTable.Row row = TcpTable.parse(
            "   3: 0100007F:B2A1 0100007F:1F90 08 00000000:00000001 00:00000000 00000000  1000        0 4242 1 0 20 4 30 10 -1");
        assertEquals(new TcpTable.Row(0xB2A1, 0x1F90, "CLOSE_WAIT"), row);
        TcpTable.Row v6 = TcpTable.parse(
            "   0: 0000000000000000FFFF00000100007F:9C40 0000000000000000FFFF00000100007F:D2A4 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0");
        assertEquals(new TcpTable.Row(0x9C40, 0xD2A4, "LISTEN"), v6);
    }

    @Test
    void seesBothEndsOfALoopbackConnectionAndItsListener() throws Exception {
        assumeTrue(TcpTable.available(), "no /proc/net/tcp here");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
            try (Socket accepted = listener.accept()) {
                TcpTable table = TcpTable.snapshot();
                int server = listener.getLocalPort();
                assertEquals(1, table.towards(server, "ESTABLISHED"));
                assertEquals(1, table.from(Set.of(server), "LISTEN"));
                assertEquals(1, table.from(Set.of(accepted.getLocalPort()), "LISTEN"));
                assertEquals(3, table.rows().stream()
                    .filter(r -> r.localPort() == server || r.remotePort() == server).count());
            }
        }
    }
}
