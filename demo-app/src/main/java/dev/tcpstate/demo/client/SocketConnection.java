package dev.tcpstate.demo.client;

import dev.tcpstate.demo.server.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A connection over a blocking {@link Socket}. */
public final class SocketConnection implements Connection {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final LineReader in;
    private final OutputStream out;

    private SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new LineReader(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static SocketConnection open(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            return new SocketConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String exchange(String requestLine) throws IOException {
        out.write(LineReader.line(requestLine));
        out.flush();
        String status = in.readLine();
        if (status == null) {
            throw new EOFException("the server closed the connection");
        }
        return status;
    }

    /** The stale check of Apache HttpClient 4: a 1 ms read; end of stream (or any data) means unusable. */
    @Override
    public boolean isStale() {
        try {
            socket.setSoTimeout(1);
            try {
                InputStream peek = in.stream();
                // returns only at end of stream or with bytes nobody asked for: unusable either way
                peek.read();
                return true;
            } catch (SocketTimeoutException quiet) {
                return false;
            } finally {
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
