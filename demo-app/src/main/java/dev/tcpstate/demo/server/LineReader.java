package dev.tcpstate.demo.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol's ASCII lines from a socket stream. Buffered like any real client (8 KB), so a
 * reader that stops early leaves the rest of a response unread in the kernel's receive queue.
 */
public final class LineReader {
    private static final int MAX_LINE = 8192;

    private final InputStream in;

    public LineReader(InputStream socketInput) {
        this.in = new BufferedInputStream(socketInput, 8192);
    }

    /** The next line without its terminator, or null at end of stream. */
    public String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toString();
            }
            if (b != '\r' && line.length() < MAX_LINE) {
                line.append((char) b);
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** Reads and drops everything up to the end of the stream; returns how many bytes that was. */
    public long skipToEnd() throws IOException {
        long skipped = 0;
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            skipped += n;
        }
        return skipped;
    }

    /** The underlying buffered stream, for callers that probe it with a short timeout. */
    public InputStream stream() {
        return in;
    }

    public static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
