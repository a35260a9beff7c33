package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The /proc format, byte by byte: rows as the kernel prints them on a little-endian machine. */
class ProcTcpTableTest {
    private static final String TCP6_HEADER = "  sl  local_address                         remote_address"
            + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
            + " retrnsmt   uid  timeout inode                                                     \n";

    @Test
    void tcp6RowsGiveV4MappedAddressesInNetworkOrder() throws IOException {
        String text = TCP6_HEADER
                + "   0: 0000000000000000FFFF00000100007F:A4B5 0000000000000000FFFF00000100007F:1F90 06"
                + " 00000000:00000000 03:00000787 00000000     0        0 0 3 0000000000000000\n"
                + "   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A"
                + " 00000000:00000000 00:00000000 00000000     0        0 575 1 0000000069954c1b 100 0 0 10 0\n";
        List<KernelRows.Row> rows = parse(text, true, 64 * 1024);
        assertEquals(2, rows.size());
        KernelRows.Row tw = rows.get(0);
        assertEquals(0, tw.localHi());
        assertEquals(0x0000_FFFF_7F00_0001L, tw.localLo());
        assertEquals(0xA4B5, tw.localPort());
        assertEquals(8080, tw.remotePort());
        assertEquals(6, tw.state());
        assertEquals(0, tw.inode());
        assertEquals(19_270, tw.timerMillisLeft(), "0x787 ticks of USER_HZ=100");
        KernelRows.Row listen = rows.get(1);
        assertEquals(0, listen.localHi());
        assertEquals(1, listen.localLo(), "::1");
        assertEquals(22, listen.localPort());
        assertEquals(10, listen.state());
        assertEquals(575, listen.inode());
        assertEquals(-1, listen.timerMillisLeft(), "tr 00: no timer");
    }

    @Test
    void tcpRowsAreOneHostOrderWordMappedToV6() throws IOException {
        String text = TCP_HEADER
                + "   1: 020200C0:BFAA 507100CB:0050 01 00000000:00000000 02:000A0000 00000000  1000        0 28335 1"
                + " 00000000a747e10d 20 4 30 10 -1                     \n";
        List<KernelRows.Row> rows = parse(text, false, 64 * 1024);
        assertEquals(1, rows.size());
        KernelRows.Row r = rows.get(0);
        assertEquals(0, r.localHi());
        assertEquals(0x0000_FFFF_C000_0202L, r.localLo(), "192.0.2.2");
        assertEquals(0xBFAA, r.localPort());
        assertEquals(0x0000_FFFF_CB00_7150L, r.remoteLo(), "203.0.113.80");
        assertEquals(80, r.remotePort());
        assertEquals(1, r.state());
        assertEquals(28335, r.inode());
        assertEquals(0xA0000L * 10, r.timerMillisLeft(), "keep-alive timer");
    }

    @Test
    void rowsSplitAcrossReadsAndBufferRefillsParseTheSame() throws IOException {
        StringBuilder text = new StringBuilder(TCP6_HEADER);
        for (int i = 0; i < 500; i++) {
            text.append(String.format("%4d: 0000000000000000FFFF00000100007F:%04X 0000000000000000FFFF00000100007F:1F90 01"
                    + " 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n",
                    i, 1000 + i, 5000 + i));
        }
        List<KernelRows.Row> whole = parse(text.toString(), true, 64 * 1024);
        List<KernelRows.Row> dribbled = parse(text.toString(), true, 7);
        assertEquals(500, whole.size());
        assertEquals(whole, dribbled);
        assertEquals(1499, whole.get(499).localPort());
        assertEquals(5499, whole.get(499).inode());
    }

    @Test
    void everyRowComesInOneReusedCursor() throws IOException {
        String text = TCP_HEADER
                + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 77 1 0\n"
                + "   1: 0100007F:A4B5 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 0 78 1 0\n";
        ProcTcpTable table = new ProcTcpTable(Paths.get("/nonexistent6"), Paths.get("/nonexistent"));
        KernelRows sink = new KernelRows();
        assertEquals(2, table.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), false, sink));
        assertEquals(List.of(77L, 78L), sink.rows.stream().map(KernelRows.Row::inode).toList(), "each row its own values");
        assertEquals(1, sink.cursors.size(), "no row object allocated per row");
    }

    @Test
    void aMalformedRowIsCountedAndSkipped() throws IOException {
        String text = TCP_HEADER
                + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 77 1 0\n"
                + "   1: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 78 1 0\n"
                + "   2: truncated\n"
                + "\n";
        ProcTcpTable table = new ProcTcpTable(Paths.get("/nonexistent6"), Paths.get("/nonexistent"));
        KernelRows sink = new KernelRows();
        assertEquals(1, table.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), false, sink));
        assertEquals(77, sink.rows.get(0).inode());
        assertEquals(2, table.malformedRows());
    }

    @Test
    void missingFilesAreAnEmptyTable() throws IOException {
        ProcTcpTable table = new ProcTcpTable(Paths.get("/nonexistent6"), Paths.get("/nonexistent"));
        assertEquals(0, table.read(new KernelRows()));
    }

    private static List<KernelRows.Row> parse(String text, boolean ipv6, int chunk) throws IOException {
        ProcTcpTable table = new ProcTcpTable(Paths.get("/nonexistent6"), Paths.get("/nonexistent"));
        KernelRows sink = new KernelRows();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        assertEquals(sink.rows.size() + table.parse(in, ipv6, sink), sink.rows.size());
        assertEquals(0, table.malformedRows());
        return sink.rows;
    }
}
