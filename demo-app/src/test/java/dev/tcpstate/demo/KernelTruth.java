package dev.tcpstate.demo;

import dev.tcpstate.demo.kernel.TcpTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's TCP table as {@code ss -tan} prints it, the tool users trust; where ss is missing,
 * {@code /proc/net/tcp} and {@code tcp6} read directly. States are given by their RFC 9293 names.
 */
final class KernelTruth {

    record Socket(String state, int localPort, int peerPort) {
    }

    private KernelTruth() {
    }

    static boolean available() {
        return TcpTable.available();
    }

    static List<Socket> sockets() throws IOException, InterruptedException {
        List<Socket> fromSs = ss();
        if (fromSs != null) {
            return fromSs;
        }
        List<Socket> sockets = new ArrayList<>();
        for (TcpTable.Row row : TcpTable.snapshot().rows()) {
            sockets.add(new Socket(row.state(), row.localPort(), row.remotePort()));
        }
        return sockets;
    }

    /** Rows of ss -tan; null when ss is not installed. */
    static List<Socket> ss() throws IOException, InterruptedException {
        Process ss;
        try {
            ss = new ProcessBuilder("ss", "-tan").redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return null;
        }
        String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ss.waitFor(30, TimeUnit.SECONDS) || ss.exitValue() != 0) {
            throw new IOException("ss -tan failed: " + output);
        }
        List<Socket> sockets = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || f[0].equals("State")) {
                continue;
            }
            sockets.add(new Socket(rfcName(f[0]), port(f[3]), port(f[4])));
        }
        return sockets;
    }

    /** ss prints ESTAB, SYN-RECV, CLOSE-WAIT...; the RFC says ESTABLISHED, SYN_RECEIVED, CLOSE_WAIT. */
    static String rfcName(String ssState) {
        switch (ssState) {
            case "ESTAB":
                return "ESTABLISHED";
            case "SYN-RECV":
                return "SYN_RECEIVED";
            case "UNCONN":
                return "CLOSED";
            default:
                return ssState.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    private static int port(String addressAndPort) {
        String port = addressAndPort.substring(addressAndPort.lastIndexOf(':') + 1);
        return port.equals("*") ? 0 : Integer.parseInt(port);
    }
}
