package dev.tcpstate.analyzer.it.libraries;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** The HTTP/1.1 servers of {@link LibrariesIT}, in the test's JVM (not under the agent), on loopback. */
final class TestServers {
    private TestServers() {
    }

    /**
     * Jetty 12 with a short keep-alive idle timeout: it closes a connection idle for
     * {@code idleMillis} after its response. Each request waits (at most 10 s) until {@code parallel}
     * requests have arrived, so that a client sending that many at once needs that many connections.
     */
    static Server jetty(long idleMillis, int parallel) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // idleMillis is the keep-alive timeout of a connection that has had its response; until then (a
        // request not sent yet, or waiting for the others, slower than idleMillis on a loaded machine) 30 s
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(30));
        server.addConnector(connector);
        CountDownLatch arrived = new CountDownLatch(parallel);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                org.eclipse.jetty.io.EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
                arrived.countDown();
                arrived.await(10, TimeUnit.SECONDS);
                String size = Request.extractQueryParameters(request).getValue("size");
                byte[] body = size == null ? "ok".getBytes(StandardCharsets.US_ASCII) : new byte[Integer.parseInt(size)];
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
                    endPoint.setIdleTimeout(idleMillis);
                    callback.succeeded();
                }, callback::failed));
                return true;
            }
        });
        server.start();
        return server;
    }

    static int port(Server jetty) {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /**
     * An HTTP/1.1 server that never closes a connection first: it answers every GET with {@code ok}
     * (and with {@code Connection: close} when the request asked for it), and closes only once the
     * client has closed (or after 30 s idle), so every TIME_WAIT is the client's.
     */
    static final class KeepOpen implements AutoCloseable {
        final ServerSocket listener;
        private final Thread acceptor;

        KeepOpen() throws IOException {
            listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::accept, "keep-open-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread t = new Thread(() -> serve(s), "keep-open-" + s.getPort());
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s) {
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String head;
                while ((head = head(in)) != null) {
                    boolean close = head.toLowerCase(Locale.ROOT).contains("\nconnection: close");
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                            + (close ? "Connection: close\r\n" : "") + "\r\nok").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (SocketTimeoutException e) {
                // idle for 30 s: closed
            } catch (IOException e) {
                // the client went away
            }
        }

        /** A request's head (GETs only: no body), or {@code null} at the end of the stream. */
        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            int matched = 0;
            while ((c = in.read()) >= 0) {
                b.write(c);
                matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : 0;
                if (matched == 4) {
                    return b.toString(StandardCharsets.US_ASCII);
                }
                if (b.size() > 64 * 1024) {
                    throw new IOException("request head too long");
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
