package dev.tcpstate.demo.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Serves requests on one connection until the client closes it or it stays idle longer than the
 * keep-alive timeout, like an HTTP/1.1 server. Closing an idle connection is the server's right;
 * a client pool that keeps such a connection without noticing holds it in CLOSE_WAIT.
 */
public final class KeepAliveHandler implements LineServer.Handler {
    private final Duration keepAlive;

    public KeepAliveHandler(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    @Override
    public void serve(Socket connection, ServerStats stats) throws IOException {
        connection.setSoTimeout((int) keepAlive.toMillis());
        LineReader in = new LineReader(connection.getInputStream());
        OutputStream out = connection.getOutputStream();
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException idle) {
                stats.idleClosed.incrementAndGet();
                return;
            }
            if (line == null) {
                stats.peerClosed.incrementAndGet();
                return;
            }
            stats.requests.incrementAndGet();
            out.write(response(Routes.parse(line)));
            out.flush();
        }
    }

    private static byte[] response(Routes.Request request) {
        if (request != null && request.path().equals("/slow")) {
            sleep(request.intParam("ms", 100));
            return LineReader.line("200 OK slow");
        }
        if (request != null && request.path().equals("/download")) {
            // status line and body in one write, as a buffered server sends them
            int length = request.intParam("kb", 64) * 1024;
            byte[] status = LineReader.line("200 OK length=" + length);
            byte[] response = Arrays.copyOf(status, status.length + length);
            Arrays.fill(response, status.length, response.length, (byte) 'x');
            return response;
        }
        return Routes.respond(request).concat("\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
