package dev.tcpstate.demo.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The same keep-alive protocol served by one selector thread over non-blocking channels, the way
 * NIO servers are written: idle connections are closed by a sweep between selects.
 */
public final class NioLineServer implements AutoCloseable {
    private static final long TICK_MILLIS = 25;

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final long keepAliveNanos;
    private final Thread loop;
    private final ServerStats stats = new ServerStats();
    private volatile boolean running = true;

    /** Per connection: bytes of an incomplete request line, and when it was last active. */
    private static final class Session {
        final ByteBuffer in = ByteBuffer.allocate(8192);
        long lastActive = System.nanoTime();
    }

    private NioLineServer(Duration keepAlive) throws IOException {
        this.keepAliveNanos = keepAlive.toNanos();
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        this.loop = new Thread(this::run, "nio-server-selector");
        this.loop.setDaemon(true);
    }

    public static NioLineServer start(Duration keepAlive) throws IOException {
        NioLineServer server = new NioLineServer(keepAlive);
        server.loop.start();
        return server;
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    public ServerStats stats() {
        return stats;
    }

    private void run() {
        try {
            while (running) {
                selector.select(TICK_MILLIS);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
                closeIdle(System.nanoTime());
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("  nio server: " + e);
            }
        }
    }

    private void accept() throws IOException {
        for (SocketChannel channel; (channel = listener.accept()) != null; ) {
            stats.accepted.incrementAndGet();
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Session());
        }
    }

    private void read(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Session session = (Session) key.attachment();
        try {
            if (channel.read(session.in) == -1) {
                stats.peerClosed.incrementAndGet();
                closeQuietly(key);
                return;
            }
            session.lastActive = System.nanoTime();
            for (String line; (line = takeLine(session.in)) != null; ) {
                stats.requests.incrementAndGet();
                ByteBuffer response = ByteBuffer.wrap(LineReader.line(Routes.respond(Routes.parse(line))));
                while (response.hasRemaining()) {
                    channel.write(response); // a status line always fits the empty send buffer
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                stats.resets.incrementAndGet();
            }
            closeQuietly(key);
        }
    }

    /** Removes one complete line from the buffer (left in write mode); null when none is complete yet. */
    private static String takeLine(ByteBuffer buffer) {
        for (int i = 0; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                byte[] line = new byte[i];
                buffer.flip();
                buffer.get(line).get();
                buffer.compact();
                return new String(line, StandardCharsets.US_ASCII).strip();
            }
        }
        return null;
    }

    private void closeIdle(long now) {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Session && now - ((Session) key.attachment()).lastActive > keepAliveNanos) {
                stats.idleClosed.incrementAndGet();
                closeQuietly(key);
            }
        }
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key);
        }
        selector.close();
        listener.close();
    }
}
