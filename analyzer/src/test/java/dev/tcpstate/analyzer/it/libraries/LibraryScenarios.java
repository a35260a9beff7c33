package dev.tcpstate.analyzer.it.libraries;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

/**
 * The child JVM of {@link LibrariesIT}, run under the real agent: {@code <case> <server port>}. Each
 * case is driven by one method here, the application frame the analyzer must name:
 *
 * <ul>
 *   <li>a leak or a healed pool ({@link LibraryCase.Kind#LEAK}, {@link LibraryCase.Kind#HEALED}): the
 *       case's method makes one request; {@value #PARALLEL}
 *       threads call it at once (the server holds each request until all have arrived, so the client
 *       needs that many connections); then "READY", and the client stays open, unused, until a line
 *       on standard input, then {@code System.exit} without closing it;
 *   <li>a storm ({@link LibraryCase.Kind#STORM}): the case's method makes {@value #STORM_REQUESTS}
 *       requests one after the other on a client that closes each connection itself; "DONE", exit.
 * </ul>
 */
public final class LibraryScenarios {
    static final int PARALLEL = 5;
    static final int STORM_REQUESTS = 150;
    static final long TIMEOUT_SECONDS = 20;
    /**
     * The body the body-leak cases never read: more than the client reads ahead without a reader,
     * less than what the kernel buffers, so that the server's write completes and its FIN arrives.
     */
    static final int LEAKED_BODY_BYTES = 64 * 1024;

    /** What the leak cases keep, so that nothing is closed or collected before the exit. */
    static final List<Object> KEPT = new CopyOnWriteArrayList<>();

    private LibraryScenarios() {
    }

    public static void main(String[] args) throws Exception {
        LibraryCase c = LibraryCase.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        if (c.kind != LibraryCase.Kind.STORM) {
            c.setUp();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                Thread t = new Thread(() -> {
                    try {
                        c.run(port);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "request-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS * 2));
            }
            if (!failures.isEmpty()) {
                failures.get(0).printStackTrace();
                System.exit(3);
            }
            System.out.println("READY " + c);
            System.out.flush();
            // held, unused, until the test has looked at the kernel's table (or is gone: EOF)
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.out.println("EXIT without closing " + KEPT.size() + " objects");
            System.out.flush();
            System.exit(0);
        } else {
            c.run(port);
            System.out.println("DONE " + c);
            System.out.flush();
            System.exit(0);
        }
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port + "/";
    }

    /** A URL whose response body is {@link #LEAKED_BODY_BYTES} long. */
    static String bigBody(int port) {
        return url(port) + "?size=" + LEAKED_BODY_BYTES;
    }

    static void transport(String what) {
        System.out.println("TRANSPORT " + what);
        System.out.flush();
    }

    // ---- OkHttp 5 ----

    static okhttp3.OkHttpClient okHttp;

    static void okHttpSetUp() {
        okHttp = new okhttp3.OkHttpClient(); // its pool: 5 idle connections for 5 minutes
        KEPT.add(okHttp);
    }

    /** One request on the shared client's pool; the connection goes back idle into it. */
    static void okHttpPoolLeak(int port) throws Exception {
        okhttp3.Request request = new okhttp3.Request.Builder().url(url(port)).build();
        try (okhttp3.Response response = okHttp.newCall(request).execute()) {
            response.body().string();
        }
    }

    /** Pooling off (no idle connection kept): OkHttp closes each connection once its response is read. */
    static void okHttpNoPoolStorm(int port) throws Exception {
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
                .connectionPool(new okhttp3.ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        okhttp3.Request request = new okhttp3.Request.Builder().url(url(port)).build();
        for (int i = 0; i < STORM_REQUESTS; i++) {
            try (okhttp3.Response response = client.newCall(request).execute()) {
                response.body().string();
            }
        }
    }

    // ---- the JDK's HttpClient ----

    static java.net.http.HttpClient jdk;

    static void jdkHttpClientSetUp() {
        jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        KEPT.add(jdk);
    }

    /**
     * One request on the shared client; its connection goes back idle into the client's pool, which
     * keeps reading it and closes it when the server does.
     */
    static void jdkHttpClientPool(int port) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(url(port))).build();
        jdk.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * One request whose body stream is never read nor closed: its connection never goes back to the
     * pool, nobody reads it any more, and the server's FIN leaves it in CLOSE_WAIT.
     */
    static void jdkHttpClientBodyLeak(int port) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(bigBody(port))).build();
        KEPT.add(jdk.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream()).body());
    }

    /**
     * The client asks for {@code Connection: close} (a restricted header, which the case allows for
     * this JVM: {@code -Djdk.httpclient.allowRestrictedHeaders=connection});
     * the server answers with it and leaves the close to the client, which closes as it reads it.
     */
    static void jdkHttpClientStorm(int port) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(url(port)))
                .header("Connection", "close").build();
        for (int i = 0; i < STORM_REQUESTS; i++) {
            client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    // ---- Jetty 12's HttpClient ----

    static org.eclipse.jetty.client.HttpClient jetty;

    static void jettySetUp() throws Exception {
        jetty = new org.eclipse.jetty.client.HttpClient();
        jetty.start();
        KEPT.add(jetty);
    }

    /**
     * One request on the shared client; its connection goes back idle into the destination's pool,
     * which keeps reading it and closes it when the server does.
     */
    static void jettyPool(int port) throws Exception {
        jetty.newRequest(url(port)).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
    }

    /** One request whose body stream is never read nor closed: see {@link #jdkHttpClientBodyLeak}. */
    static void jettyBodyLeak(int port) throws Exception {
        org.eclipse.jetty.client.InputStreamResponseListener listener =
                new org.eclipse.jetty.client.InputStreamResponseListener();
        jetty.newRequest(bigBody(port)).send(listener);
        listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS); // the status and headers; the body left unread
        KEPT.add(listener);
    }

    /** Each request asks for {@code Connection: close}; the client closes the connection after the response. */
    static void jettyStorm(int port) throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        client.start();
        for (int i = 0; i < STORM_REQUESTS; i++) {
            client.newRequest(url(port)).headers(h -> h.put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close"))
                    .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
        }
        // Jetty ends a "Connection: close" exchange with shutdownOutput; the channel's close comes later,
        // so only the kernel view shows these ports in TIME_WAIT: stay up for three of its samples, as a
        // service would, rather than exit before they are taken
        Thread.sleep(1_500);
    }

    // ---- Apache HttpClient 5 (classic) ----

    static org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache5;

    static void apache5SetUp() {
        apache5 = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setConnectionManager(org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
                        .create().setMaxConnPerRoute(PARALLEL).setMaxConnTotal(PARALLEL).build())
                .build();
        KEPT.add(apache5);
    }

    /** One request on the shared pooling client; the connection goes back idle into its pool. */
    static void apache5PoolLeak(int port) throws Exception {
        apache5.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url(port)),
                response -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity()));
    }

    /**
     * A client per request, closed after it: its pool closes the connection (gracefully; a connection
     * the client will not reuse, by a reuse strategy or {@code Connection: close}, it closes with
     * SO_LINGER 0 instead, which leaves no TIME_WAIT but a RESET_ON_CLOSE).
     */
    static void apache5ClientPerRequestStorm(int port) throws Exception {
        for (int i = 0; i < STORM_REQUESTS; i++) {
            try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                    org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url(port)),
                        response -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity()));
            }
        }
    }

    // ---- Apache HttpClient 4.5 ----

    static org.apache.http.impl.client.CloseableHttpClient apache4;

    static void apache4SetUp() {
        org.apache.http.impl.conn.PoolingHttpClientConnectionManager pool =
                new org.apache.http.impl.conn.PoolingHttpClientConnectionManager();
        pool.setDefaultMaxPerRoute(PARALLEL);
        apache4 = org.apache.http.impl.client.HttpClients.custom().setConnectionManager(pool).build();
        KEPT.add(apache4);
    }

    /** One request on the shared pooling client; the connection goes back idle into its pool. */
    static void apache4PoolLeak(int port) throws Exception {
        try (org.apache.http.client.methods.CloseableHttpResponse response =
                apache4.execute(new org.apache.http.client.methods.HttpGet(url(port)))) {
            org.apache.http.util.EntityUtils.toString(response.getEntity());
        }
    }

    /** No connection reuse: the client closes each connection when its response has been read. */
    static void apache4NoReuseStorm(int port) throws Exception {
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                .setConnectionReuseStrategy(org.apache.http.impl.NoConnectionReuseStrategy.INSTANCE).build()) {
            for (int i = 0; i < STORM_REQUESTS; i++) {
                try (org.apache.http.client.methods.CloseableHttpResponse response =
                        client.execute(new org.apache.http.client.methods.HttpGet(url(port)))) {
                    org.apache.http.util.EntityUtils.toString(response.getEntity());
                }
            }
        }
    }

    // ---- Netty 4.2: a hand-made HTTP/1.1 client on a Bootstrap, NIO or epoll ----

    static final AttributeKey<CompletableFuture<FullHttpResponse>> RESPONSE = AttributeKey.valueOf("response");
    static Bootstrap netty;

    static void nettySetUp(boolean epoll, boolean halfClosure) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        netty = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        ctx.channel().attr(RESPONSE).get().complete(r.retainedDuplicate());
                                    }
                                    // userEventTriggered not overridden: the input shutdown of a
                                    // half-closed channel is ignored, the channel stays open
                                });
                    }
                });
        transport((epoll ? EpollSocketChannel.class : NioSocketChannel.class).getName());
        KEPT.add(group);
    }

    /** Sends one GET on {@code ch} and waits for its response (the connect is the caller's own call). */
    static Channel exchange(Channel ch, int port) throws Exception {
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        ch.attr(RESPONSE).set(response);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port);
        ch.writeAndFlush(request);
        response.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).release();
        return ch;
    }

    /**
     * One request on a channel of its own, kept open in the application's list (its "pool"), with
     * half-closure allowed and never handled: when the server closes, the channel stays in CLOSE_WAIT.
     */
    static void nettyLeak(int port) throws Exception {
        Channel ch = netty.connect("127.0.0.1", port).sync().channel();
        KEPT.add(exchange(ch, port));
    }

    /** A connection per request, which the client closes when the response has arrived. */
    static void nettyStorm(int port) throws Exception {
        for (int i = 0; i < STORM_REQUESTS; i++) {
            Channel ch = netty.connect("127.0.0.1", port).sync().channel();
            exchange(ch, port).close().sync();
        }
    }

    // ---- Reactor Netty 1.3 (its default transport for this class path) ----

    static reactor.netty.http.client.HttpClient reactorNetty;

    static reactor.netty.http.client.HttpClient reactorClient(reactor.netty.http.client.HttpClient client) {
        return client.doOnConnected(c -> {
            if (KEPT.stream().noneMatch(o -> o.equals("transport"))) {
                KEPT.add("transport");
                transport(c.channel().getClass().getName());
            }
        });
    }

    static void reactorNettySetUp() {
        reactorNetty = reactorClient(reactor.netty.http.client.HttpClient.create()); // pooled
        KEPT.add(reactorNetty);
    }

    /**
     * One request on the shared, pooled client; the connection goes back idle into its pool, whose
     * event loop keeps reading it and closes it when the server does.
     */
    static void reactorNettyPool(int port) {
        reactorNetty.get().uri(url(port)).responseContent().aggregate().asString()
                .block(Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /**
     * One request whose connection is taken with the response and kept, its body never subscribed
     * ({@code responseConnection} leaves disposing it to the caller). On NIO nobody reads it any
     * more and the server's FIN leaves it in CLOSE_WAIT; epoll's EPOLLRDHUP still wakes Netty, which
     * closes it.
     */
    static void reactorNettyBodyLeak(int port) {
        KEPT.add(reactorNetty.get().uri(bigBody(port))
                .responseConnection((response, connection) -> reactor.core.publisher.Mono.just(connection))
                .blockFirst(Duration.ofSeconds(TIMEOUT_SECONDS)));
    }

    /** {@code newConnection()}: no pool, each request's connection is closed by the client after it. */
    static void reactorNettyStorm(int port) {
        reactor.netty.http.client.HttpClient client = reactorClient(reactor.netty.http.client.HttpClient.newConnection());
        for (int i = 0; i < STORM_REQUESTS; i++) {
            client.get().uri(url(port)).responseContent().aggregate().asString()
                    .block(Duration.ofSeconds(TIMEOUT_SECONDS));
        }
    }
}
