package dev.tcpstate.analyzer.it.libraries;

import java.util.List;

/**
 * Library × scenario: which client, which of {@link LibraryScenarios}' methods drives it (the
 * application frame the finding must name), and the {@code contract.Library} the site must name.
 */
enum LibraryCase {
    OKHTTP_POOL_LEAK(Kind.LEAK, "OKHTTP", "okHttpPoolLeak"),
    OKHTTP_NO_POOL_STORM(Kind.STORM, "OKHTTP", "okHttpNoPoolStorm"),
    JDK_HTTP_CLIENT_POOL_HEALS(Kind.HEALED, "JDK_HTTP_CLIENT", "jdkHttpClientPool"),
    JDK_HTTP_CLIENT_BODY_LEAK(Kind.LEAK, "JDK_HTTP_CLIENT", "jdkHttpClientBodyLeak"),
    JDK_HTTP_CLIENT_STORM(Kind.STORM, "JDK_HTTP_CLIENT", "jdkHttpClientStorm",
            "-Djdk.httpclient.allowRestrictedHeaders=connection"),
    JETTY_POOL_HEALS(Kind.HEALED, "JETTY", "jettyPool"),
    JETTY_BODY_LEAK(Kind.LEAK, "JETTY", "jettyBodyLeak"),
    JETTY_STORM(Kind.STORM, "JETTY", "jettyStorm"),
    APACHE_HTTPCLIENT_5_POOL_LEAK(Kind.LEAK, "APACHE_HTTPCLIENT_5", "apache5PoolLeak"),
    APACHE_HTTPCLIENT_5_CLIENT_PER_REQUEST_STORM(Kind.STORM, "APACHE_HTTPCLIENT_5", "apache5ClientPerRequestStorm"),
    APACHE_HTTPCLIENT_4_POOL_LEAK(Kind.LEAK, "APACHE_HTTPCLIENT_4", "apache4PoolLeak"),
    APACHE_HTTPCLIENT_4_NO_REUSE_STORM(Kind.STORM, "APACHE_HTTPCLIENT_4", "apache4NoReuseStorm"),
    NETTY_NIO_LEAK(Kind.LEAK, "NETTY", "nettyLeak"),
    NETTY_NIO_STORM(Kind.STORM, "NETTY", "nettyStorm"),
    NETTY_EPOLL_LEAK(Kind.LEAK, "NETTY", "nettyLeak"),
    NETTY_EPOLL_STORM(Kind.STORM, "NETTY", "nettyStorm"),
    REACTOR_NETTY_POOL_HEALS(Kind.HEALED, "REACTOR_NETTY", "reactorNettyPool"),
    /** On epoll (its default where available) Reactor Netty still sees the FIN of a connection nobody reads. */
    REACTOR_NETTY_BODY_HEALS_ON_EPOLL(Kind.HEALED, "REACTOR_NETTY", "reactorNettyBodyLeak"),
    /** On NIO it does not: the connection whose body is never subscribed stays in CLOSE_WAIT. */
    REACTOR_NETTY_NIO_BODY_LEAK(Kind.LEAK, "REACTOR_NETTY", "reactorNettyBodyLeak", "-Dreactor.netty.native=false"),
    REACTOR_NETTY_STORM(Kind.STORM, "REACTOR_NETTY", "reactorNettyStorm");

    enum Kind {
        /** Connections kept open after the server closed them: CLOSE_WAIT_LINGER, "opened at". */
        LEAK,
        /**
         * The same idle pool, but the library watches its idle connections and closes those the
         * server closed: no CLOSE-WAIT in the kernel, and no CLOSE_WAIT_LINGER.
         */
        HEALED,
        /** A connection per request, closed by the client first: TIME_WAIT_ACCUMULATION, "closed at". */
        STORM
    }

    final Kind kind;
    final String library;
    final String method;
    final List<String> jvmOptions;

    LibraryCase(Kind kind, String library, String method, String... jvmOptions) {
        this.kind = kind;
        this.library = library;
        this.method = method;
        this.jvmOptions = List.of(jvmOptions);
    }

    /** The frame the site must start with: the scenario's own method. */
    String frame() {
        return LibraryScenarios.class.getName() + "." + method + ":";
    }

    /** Runs on Netty's epoll transport (chosen, or Reactor Netty's default where epoll is available). */
    boolean needsEpoll() {
        return name().startsWith("NETTY_EPOLL") || this == REACTOR_NETTY_BODY_HEALS_ON_EPOLL;
    }

    /** In the child: the shared client of a leak case, made before the requests. */
    void setUp() throws Exception {
        switch (this) {
            case OKHTTP_POOL_LEAK -> LibraryScenarios.okHttpSetUp();
            case JDK_HTTP_CLIENT_POOL_HEALS, JDK_HTTP_CLIENT_BODY_LEAK -> LibraryScenarios.jdkHttpClientSetUp();
            case JETTY_POOL_HEALS, JETTY_BODY_LEAK -> LibraryScenarios.jettySetUp();
            case APACHE_HTTPCLIENT_5_POOL_LEAK -> LibraryScenarios.apache5SetUp();
            case APACHE_HTTPCLIENT_4_POOL_LEAK -> LibraryScenarios.apache4SetUp();
            case NETTY_NIO_LEAK -> LibraryScenarios.nettySetUp(false, true);
            case NETTY_EPOLL_LEAK -> LibraryScenarios.nettySetUp(true, true);
            case REACTOR_NETTY_POOL_HEALS, REACTOR_NETTY_BODY_HEALS_ON_EPOLL, REACTOR_NETTY_NIO_BODY_LEAK ->
                    LibraryScenarios.reactorNettySetUp();
            default -> throw new IllegalStateException(this + " has no shared client");
        }
    }

    /** In the child: the case's method (a leak's: one request; a storm's: all of them). */
    void run(int port) throws Exception {
        switch (this) {
            case OKHTTP_POOL_LEAK -> LibraryScenarios.okHttpPoolLeak(port);
            case OKHTTP_NO_POOL_STORM -> LibraryScenarios.okHttpNoPoolStorm(port);
            case JDK_HTTP_CLIENT_POOL_HEALS -> LibraryScenarios.jdkHttpClientPool(port);
            case JDK_HTTP_CLIENT_BODY_LEAK -> LibraryScenarios.jdkHttpClientBodyLeak(port);
            case JDK_HTTP_CLIENT_STORM -> LibraryScenarios.jdkHttpClientStorm(port);
            case JETTY_POOL_HEALS -> LibraryScenarios.jettyPool(port);
            case JETTY_BODY_LEAK -> LibraryScenarios.jettyBodyLeak(port);
            case JETTY_STORM -> LibraryScenarios.jettyStorm(port);
            case APACHE_HTTPCLIENT_5_POOL_LEAK -> LibraryScenarios.apache5PoolLeak(port);
            case APACHE_HTTPCLIENT_5_CLIENT_PER_REQUEST_STORM -> LibraryScenarios.apache5ClientPerRequestStorm(port);
            case APACHE_HTTPCLIENT_4_POOL_LEAK -> LibraryScenarios.apache4PoolLeak(port);
            case APACHE_HTTPCLIENT_4_NO_REUSE_STORM -> LibraryScenarios.apache4NoReuseStorm(port);
            case NETTY_NIO_LEAK, NETTY_EPOLL_LEAK -> LibraryScenarios.nettyLeak(port);
            case NETTY_NIO_STORM -> {
                LibraryScenarios.nettySetUp(false, false);
                LibraryScenarios.nettyStorm(port);
            }
            case NETTY_EPOLL_STORM -> {
                LibraryScenarios.nettySetUp(true, false);
                LibraryScenarios.nettyStorm(port);
            }
            case REACTOR_NETTY_POOL_HEALS -> LibraryScenarios.reactorNettyPool(port);
            case REACTOR_NETTY_BODY_HEALS_ON_EPOLL, REACTOR_NETTY_NIO_BODY_LEAK -> LibraryScenarios.reactorNettyBodyLeak(port);
            case REACTOR_NETTY_STORM -> LibraryScenarios.reactorNettyStorm(port);
            default -> throw new IllegalStateException(this.toString());
        }
    }
}
