package dev.tcpstate.demo.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A connection over a {@link SocketChannel} in blocking mode, as NIO client libraries hold them in pools. */
public final class ChannelConnection implements Connection {
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(8192);

    private ChannelConnection(SocketChannel channel) {
        this.channel = channel;
    }

    public static ChannelConnection open(InetSocketAddress server) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.connect(server);
            return new ChannelConnection(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String exchange(String requestLine) throws IOException {
        ByteBuffer request = ByteBuffer.wrap((requestLine + "\n").getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            channel.write(request);
        }
        while (true) {
            String line = takeLine();
            if (line != null) {
                return line;
            }
            if (!in.hasRemaining() || channel.read(in) == -1) {
                throw new EOFException("the server closed the connection");
            }
        }
    }

    private String takeLine() {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                byte[] line = new byte[i];
                in.flip();
                in.get(line).get();
                in.compact();
                return new String(line, StandardCharsets.US_ASCII).strip();
            }
        }
        return null;
    }

    /** A non-blocking read: end of stream, or bytes nobody asked for, mean the connection is unusable. */
    @Override
    public boolean isStale() {
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(in) != 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public int localPort() {
        return channel.socket().getLocalPort();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
