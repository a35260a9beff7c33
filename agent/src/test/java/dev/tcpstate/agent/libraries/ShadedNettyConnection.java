package dev.tcpstate.agent.libraries;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link NettyNativeIT}'s shaded case: the copy of Netty that grpc-netty-shaded relocates
 * under {@code io.grpc.netty.shaded.io.netty}, with its own epoll natives. The client connects and closes
 * first; the server closes on the end of the stream. Prints {@code scenario shaded port <p>}, then
 * {@code done}; or, when epoll cannot run, {@code unavailable <cause>}.
 */
public final class ShadedNettyConnection {

    private ShadedNettyConnection() {
    }

    public static void main(String[] args) throws Exception {
        if (!Epoll.isAvailable()) {
            System.out.println("unavailable " + Epoll.unavailabilityCause());
            System.exit(0);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                    }
                }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        System.out.println("scenario shaded port " + port);
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                }).connect(listener.localAddress()).sync().channel();
        Channel server = accepted.get(30, TimeUnit.SECONDS);
        client.close().sync();
        if (!server.closeFuture().await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server's connection did not close on the end of the stream");
        }
        listener.close().sync();
        System.out.println("done");
        System.exit(0);
    }
}
