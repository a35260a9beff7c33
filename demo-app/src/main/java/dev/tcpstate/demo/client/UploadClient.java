package dev.tcpstate.demo.client;

import dev.tcpstate.demo.server.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a document whose end is marked by half-closing the connection ({@code shutdownOutput}: our
 * FIN), then reads the answer until the server closes its side too.
 */
public final class UploadClient {
    private final InetSocketAddress server;

    public UploadClient(InetSocketAddress server) {
        this.server = server;
    }

    /** Returns the server's status line; the connection ends with this side in TIME_WAIT. */
    public String upload(String document) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(document.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            LineReader in = new LineReader(socket.getInputStream());
            String status = in.readLine();
            if (status == null) {
                throw new EOFException("no response");
            }
            in.skipToEnd(); // the server's FIN: the exchange is complete on both sides
            return status;
        }
    }
}
