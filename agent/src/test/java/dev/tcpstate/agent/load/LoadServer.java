package dev.tcpstate.agent.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP server from Maven Central on 127.0.0.1, serving {@value #BODY} to every request, for the
 * load test ({@code args[0]}: {@code jetty}, {@code netty-nio}, {@code netty-epoll} or {@code tomcat}).
 * Run through {@code WithLibraries}, the servers' jars in a class loader of their own. Prints
 * {@code port <n>} and {@code heap-start <bytes>} (used heap after a full GC), then answers its stdin:
 * {@code heap} prints {@code heap-end <bytes>}; {@code stop} stops the server and prints {@code stopped};
 * {@code exit} (or the end of stdin) exits, which ends the agent's recording.
 */
public final class LoadServer {

    static final String BODY = "ok\n";

    /** A started server: its port, and how it stops. */
    record Started(int port, Stop stop) {
    }

    interface Stop {
        void run() throws Exception;
    }

    private LoadServer() {
    }

    public static void main(String[] args) throws Exception {
        Started server = start(args[0]);
        System.out.println("port " + server.port());
        System.out.println("heap-start " + usedHeapAfterGc());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            if (line.equals("heap")) {
                System.out.println("heap-end " + usedHeapAfterGc());
            } else if (line.equals("stop")) {
                server.stop().run();
                System.out.println("stopped");
            }
        }
        System.exit(0);
    }

    static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static Started start(String server) throws Exception {
        switch (server) {
            case "jetty": return jetty();
            case "netty-nio": return netty(NioIoHandler.newFactory(), NioServerSocketChannel.class);
            case "netty-epoll": return netty(EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            case "tomcat": return tomcat();
            default: throw new IllegalArgumentException("no server " + server);
        }
    }

    static Started jetty() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, ByteBuffer.wrap(BODY.getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
        return new Started(connector.getLocalPort(), server::stop);
    }

    static Started netty(IoHandlerFactory io, Class<? extends ServerChannel> channel) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, io);
        Channel listener = new ServerBootstrap().group(boss, workers).channel(channel)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new Started(((InetSocketAddress) listener.localAddress()).getPort(), () -> {
            listener.close().sync();
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        });
    }

    /** HTTP/1.1 as Netty's example serves it: keep-alive unless the request says close, then close after the write. */
    static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(BODY, StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    static Started tomcat() throws Exception {
        Logger.getLogger("org.apache").setLevel(Level.WARNING);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tcpstate-tomcat").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "hello", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getOutputStream().write(BODY.getBytes(StandardCharsets.US_ASCII));
            }
        });
        context.addServletMappingDecoded("/", "hello");
        tomcat.start();
        return new Started(connector.getLocalPort(), () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }
}
