package dev.tcpstate.agent.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ss -tanoe}, the tool users trust, parsed: one {@link Row} per line. The oracle of the kernel-view
 * tests, in the readers' unit tests and in the agent's integration tests alike.
 */
public final class SsTable {

    /** One line of {@code ss -tanoe}; state as ss names it (ESTAB, FIN-WAIT-1...); timer -1 when none shown. */
    public record Row(String local, int localPort, String peer, int peerPort, String state, long inode,
               String timerName, long timerMillis) {
    }

    private SsTable() {
    }

    /** Null when {@code ss} cannot be run here (the reason is printed). */
    public static List<Row> read() throws IOException, InterruptedException {
        return read(List.of());
    }

    /** As {@link #read()}, run after {@code prefix} (e.g. {@code nsenter -t <pid> -n}: another network namespace's). */
    public static List<Row> read(List<String> prefix) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("ss", "-tanoe"));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ss -tanoe failed: " + new String(out, StandardCharsets.UTF_8));
        }
        List<Row> rows = new ArrayList<>();
        String[] lines = new String(out, StandardCharsets.UTF_8).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            int lc = f[3].lastIndexOf(':');
            int pc = f[4].lastIndexOf(':');
            long inode = -1;
            String timerName = null;
            long timerMillis = -1;
            for (int k = 5; k < f.length; k++) {
                if (f[k].startsWith("ino:")) {
                    inode = Long.parseLong(f[k].substring(4));
                } else if (f[k].startsWith("timer:(")) {
                    String[] t = f[k].substring(7, f[k].length() - 1).split(",");
                    timerName = t[0];
                    timerMillis = millis(t[1]);
                }
            }
            rows.add(new Row(f[3].substring(0, lc), port(f[3].substring(lc + 1)), f[4].substring(0, pc),
                    port(f[4].substring(pc + 1)), f[0], inode, timerName, timerMillis));
        }
        return rows;
    }

    public static boolean available() {
        try {
            return read() != null;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int port(String s) {
        return s.equals("*") ? 0 : Integer.parseInt(s);
    }

    /** ss prints "54sec", "200ms", "1min30sec", "1.200sec"... */
    private static long millis(String s) {
        long total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            double v = Double.parseDouble(s.substring(start, i));
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            total += (long) (v * (unit.equals("ms") ? 1 : unit.equals("sec") ? 1000 : unit.equals("min") ? 60_000
                    : unit.equals("h") ? 3_600_000 : 0));
        }
        return total;
    }

    /** The name ss gives a Linux state code. */
    public static String ssName(int linuxState) {
        switch (linuxState) {
            case 1: return "ESTAB";
            case 2: return "SYN-SENT";
            case 3: return "SYN-RECV";
            case 4: return "FIN-WAIT-1";
            case 5: return "FIN-WAIT-2";
            case 6: return "TIME-WAIT";
            case 7: return "UNCONN";
            case 8: return "CLOSE-WAIT";
            case 9: return "LAST-ACK";
            case 10: return "LISTEN";
            case 11: return "CLOSING";
            default: return "?" + linuxState;
        }
    }

    /** The RFC 9293 name (as the agent's events spell it) of a state as ss names it: ESTAB is ESTABLISHED... */
    public static String rfcName(String ssState) {
        switch (ssState) {
            case "ESTAB": return "ESTABLISHED";
            case "SYN-RECV": return "SYN_RECEIVED";
            case "UNCONN": return "CLOSED";
            default: return ssState.replace('-', '_'); // SYN-SENT, FIN-WAIT-1, CLOSE-WAIT, LAST-ACK, TIME-WAIT...
        }
    }
}
