package dev.tcpstate.agent.libraries;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.AttributeKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link NettyNativeIT}: a real Netty client and server of one native transport
 * ({@code epoll} or {@code io_uring}) on loopback, in a class loader of their own ({@link WithLibraries}).
 * Every listener is its own, so that the test tells connections apart by port.
 *
 * <ul>
 * <li>{@code <transport> available}: prints whether the transport works here, and why not;
 * <li>{@code <transport> scenarios}: runs each scenario to its end, printing
 * {@code scenario <name> port <listener port>}, then {@code all scenarios done} and exits;
 * <li>{@code <transport> hold}: makes the kernel hold states ({@code held <name> port <p> states
 * <ss states>}), prints {@code READY}, then on stdin {@code sync} waits for three more kernel samples
 * ({@code synced samples <n>}) and {@code exit} exits. Sockets are left as they are: the recording,
 * written at exit, ends with the states the test compared with {@code ss}.
 * </ul>
 * Every wait is bounded; the process exits on its own after five minutes.
 */
public final class NettyConnections {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long WAIT_SECONDS = 30;
    /** Strong references: what the kernel holds must not be collected. */
    private static final List<Object> KEEP = new ArrayList<>();

    private final boolean ioUring;
    private final EventLoopGroup group;

    private NettyConnections(boolean ioUring) {
        this.ioUring = ioUring;
        IoHandlerFactory handler = ioUring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(2, handler);
    }

    public static void main(String[] args) throws Exception {
        exitAnywayAfter(TimeUnit.MINUTES.toMillis(5));
        boolean ioUring = args[0].equals("io_uring");
        if (args[1].equals("available")) {
            Throwable cause = ioUring ? IoUring.unavailabilityCause() : Epoll.unavailabilityCause();
            System.out.println(args[0] + " available " + (cause == null) + (cause == null ? "" : " because " + cause));
            System.exit(0);
        }
        NettyConnections n = new NettyConnections(ioUring);
        if (args[1].equals("scenarios")) {
            n.clientClosesFirst("client-closes");
            n.serverClosesAnIdleConnection("server-closes");
            n.halfClose("half-close");
            n.lingerZero("linger-zero");
            n.refused("refused");
            System.out.println("all scenarios done");
        } else {
            n.hold();
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- scenarios, each to its end

    /** The client writes, reads the echo and closes first; the server reads the end of the stream and closes. */
    void clientClosesFirst(String name) throws Exception {
        Server server = listen(name, Behaviour.ECHO);
        Channel client = connect(server, false, false);
        client.writeAndFlush(ping()).sync();
        server.awaitRead();
        awaitEcho(client);
        client.close().sync();
        server.awaitChildClosed();
        server.channel.close().sync();
    }

    /**
     * The pool-like leak: the server answers and closes; the client, idle, never closes. Netty reads the
     * peer's FIN itself (EPOLLRDHUP, io_uring's POLLRDHUP), even with auto-read off, and closes, unless
     * half-closure is allowed: then it only shuts the input down and tells the pipeline, and a handler
     * that ignores it leaves the connection in CLOSE_WAIT until the application closes it.
     */
    void serverClosesAnIdleConnection(String name) throws Exception {
        Server server = listen(name, Behaviour.REPLY_AND_CLOSE);
        Channel client = connect(server, true, false);
        KEEP.add(client);
        client.writeAndFlush(ping()).sync();
        server.awaitChildClosed();
        server.channel.close().sync();
    }

    /** The client shuts its output down and reads the server's end of stream; the server closes on EOF. */
    void halfClose(String name) throws Exception {
        Server server = listen(name, Behaviour.ECHO);
        Channel client = connect(server, false, false);
        ((DuplexChannel) client).shutdownOutput().sync();
        server.awaitChildClosed();
        client.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS); // closed by Netty on the server's FIN
        check(!client.isOpen(), "the client closes on the server's end of stream");
        server.channel.close().sync();
    }

    /** SO_LINGER 0: the client's close sends RST, the server reads a reset. */
    void lingerZero(String name) throws Exception {
        Server server = listen(name, Behaviour.ECHO);
        Channel client = connect(server, false, true);
        client.writeAndFlush(ping()).sync();
        awaitEcho(client);
        client.close().sync();
        server.awaitChildClosed();
        server.channel.close().sync();
    }

    /** Nobody listens on the port any more: the connect fails. */
    void refused(String name) throws Exception {
        Server server = listen(name, Behaviour.ECHO);
        server.channel.close().sync();
        Throwable failure = connectFailure(server.port);
        check(failure != null, "a connect to a closed port fails");
    }

    // ---------------------------------------------------------------- holding states for ss

    void hold() throws Exception {
        Server established = listen("established", Behaviour.ECHO);
        Channel client = connect(established, false, false);
        client.writeAndFlush(ping()).sync();
        awaitEcho(client);
        KEEP.add(client);
        held(established, "LISTEN", "ESTAB");

        Server leak = listen("leak", Behaviour.REPLY_AND_CLOSE);
        Channel idle = connect(leak, true, false);
        KEEP.add(idle);
        idle.writeAndFlush(ping()).sync();
        leak.awaitChildClosed();
        held(leak, "LISTEN", "CLOSE-WAIT", "FIN-WAIT-2");

        Server timeWait = listen("client-closes", Behaviour.ECHO);
        Channel closing = connect(timeWait, false, false);
        closing.writeAndFlush(ping()).sync();
        awaitEcho(closing);
        closing.close().sync();
        timeWait.awaitChildClosed();
        held(timeWait, "LISTEN", "TIME-WAIT");

        System.out.println("READY");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = stdin.readLine(); line != null && !line.equals("exit"); line = stdin.readLine()) {
            if (line.equals("sync")) {
                sync();
            }
        }
    }

    private static void held(Server server, String... states) {
        KEEP.add(server);
        System.out.println("held " + server.name + " port " + server.port + " states " + String.join(",", states));
    }

    /** Waits until the agent's kernel sampler took three more samples (reached by reflection: it is the agent's). */
    private static void sync() throws Exception {
        Object sampler = Class.forName("dev.tcpstate.agent.kernel.KernelSampler", true, null).getMethod("current")
                .invoke(null);
        if (sampler == null) {
            System.out.println("synced none: no kernel sampler runs in this JVM");
            return;
        }
        long start = samples(sampler);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (samples(sampler) < start + 3 && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        System.out.println("synced samples " + (samples(sampler) - start));
    }

    private static long samples(Object sampler) throws Exception {
        return (Long) sampler.getClass().getMethod("samples").invoke(sampler);
    }

    // ---------------------------------------------------------------- Netty

    enum Behaviour { ECHO, REPLY_AND_CLOSE }

    /** A listener, and what its accepted connections did. */
    final class Server {
        final String name;
        final Channel channel;
        final int port;
        final CompletableFuture<Channel> child = new CompletableFuture<>();
        final CompletableFuture<Void> read = new CompletableFuture<>();

        Server(String name, Behaviour behaviour) throws InterruptedException {
            this.name = name;
            ServerBootstrap b = new ServerBootstrap().group(group)
                    .channel(ioUring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            child.complete(ch);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    read.complete(null);
                                    if (behaviour == Behaviour.ECHO) {
                                        ctx.writeAndFlush(msg);
                                    } else {
                                        ((ByteBuf) msg).release();
                                        ctx.writeAndFlush(pong()).addListener(f -> ctx.close());
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close(); // a reset: Netty's own default, without its warning
                                }
                            });
                        }
                    });
            this.channel = b.bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
            this.port = ((InetSocketAddress) channel.localAddress()).getPort();
            System.out.println("scenario " + name + " port " + port);
        }

        void awaitRead() throws Exception {
            read.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        void awaitChildClosed() throws Exception {
            Channel ch = child.get(WAIT_SECONDS, TimeUnit.SECONDS);
            check(ch.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS), "the server's connection closes");
        }
    }

    private Server listen(String name, Behaviour behaviour) throws InterruptedException {
        return new Server(name, behaviour);
    }

    /** What each client channel read, by the channel. */
    private static final AttributeKey<BlockingQueue<Object>> READ = AttributeKey.valueOf("read");

    /**
     * A connected client; {@code idle}: it never reads (auto-read off) and never closes, not even on the
     * peer's FIN (half-closure allowed, and nothing handles the input's shutdown), as a pooled idle connection.
     */
    private Channel connect(Server server, boolean idle, boolean lingerZero) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group)
                .channel(ioUring ? IoUringSocketChannel.class : EpollSocketChannel.class)
                .option(ChannelOption.AUTO_READ, !idle)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, idle)
                .attr(READ, new LinkedBlockingQueue<>())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        ctx.channel().attr(READ).get().add(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
        if (lingerZero) {
            b.option(ChannelOption.SO_LINGER, 0);
        }
        return b.connect(new InetSocketAddress(LOOPBACK, server.port)).sync().channel();
    }

    private Throwable connectFailure(int port) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group)
                .channel(ioUring ? IoUringSocketChannel.class : EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter());
        var future = b.connect(new InetSocketAddress(LOOPBACK, port));
        check(future.await(WAIT_SECONDS, TimeUnit.SECONDS), "the connect ends");
        return future.cause();
    }

    private static void awaitEcho(Channel client) throws InterruptedException {
        check(client.attr(READ).get().poll(WAIT_SECONDS, TimeUnit.SECONDS) != null, "the echo comes back");
    }

    private static ByteBuf ping() {
        return Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII);
    }

    private static ByteBuf pong() {
        return Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    private static void exitAnywayAfter(long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
                System.exit(3);
            } catch (InterruptedException e) {
                // the program ended first
            }
        }, "exit-anyway");
        t.setDaemon(true);
        t.start();
    }
}
