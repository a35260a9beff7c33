package dev.tcpstate.demo.client;

import dev.tcpstate.demo.server.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A client without a pool: a new connection for every request, closed by the client as soon as the
 * response is in, like {@code HttpURLConnection} with keep-alive off or a script calling an API in a loop.
 */
public final class PerRequestClient {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final InetSocketAddress server;

    public PerRequestClient(InetSocketAddress server) {
        this.server = server;
    }

    /** One request on its own connection; the client closes first, so its side passes TIME_WAIT. */
    public String get(String requestLine) throws IOException {
        try (Socket socket = connect(READ_TIMEOUT_MILLIS)) {
            return exchange(socket, requestLine);
        }
    }

    /**
     * A request with a deadline: when the answer is late, the client gives up and aborts the
     * connection with SO_LINGER 0, so that close sends RST and no TIME_WAIT is left behind.
     * Returns the status line, or null when it gave up.
     */
    public String getOrAbort(String requestLine, Duration deadline) throws IOException {
        try (Socket socket = connect((int) deadline.toMillis())) {
            try {
                return exchange(socket, requestLine);
            } catch (SocketTimeoutException late) {
                socket.setSoLinger(true, 0);
                return null;
            }
        }
    }

    /**
     * Reads only the status line of a response that has a body, and closes: the body left unread in
     * the receive queue makes the kernel answer the close with RST instead of FIN.
     */
    public String statusOnly(String requestLine) throws IOException {
        try (Socket socket = connect(READ_TIMEOUT_MILLIS)) {
            return exchange(socket, requestLine);
        }
    }

    private Socket connect(int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(readTimeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String exchange(Socket socket, String requestLine) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(LineReader.line(requestLine));
        out.flush();
        String status = new LineReader(socket.getInputStream()).readLine();
        if (status == null) {
            throw new EOFException("no response");
        }
        return status;
    }
}
