package dev.tcpstate.agent.instrument;

import dev.tcpstate.agent.bridge.LibraryCalls;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * The public entries of networking libraries that open connections on threads of their own: the
 * application's call there is recorded with its stack ({@code tcpstate.LibraryCall}), so that the
 * analyzer can name the application code behind a connection whose own stack holds none. Each hook
 * is woven where its class loads, in whatever class loader; a version without it is skipped.
 */
final class LibraryEntryInstrumentation {

    private LibraryEntryInstrumentation() {
    }

    /** A library's public entries, as one {@link LibraryInstrumentation} of its root package. */
    record Entries(String name, String rootPackage, List<Hook> hooks) implements LibraryInstrumentation {
    }

    /** One instrumentation per library, each under the root package its classes (and shaded copies) keep. */
    static List<LibraryInstrumentation> libraries() {
        return List.of(
                // OkHttp 4 and 5: both calls run on the application's thread; the connect may not
                new Entries("OkHttp entries", "okhttp3", List.of(
                        Hook.of("okhttp3.internal.connection.RealCall", "execute", "()Lokhttp3/Response;",
                                OkHttpExecute.class),
                        Hook.of("okhttp3.internal.connection.RealCall", "enqueue", "(Lokhttp3/Callback;)V",
                                OkHttpEnqueue.class))),
                // the JDK's HttpClient (module java.net.http, platform loader): send does not go through
                // the public sendAsync, so both
                new Entries("JDK HttpClient entries", "jdk.internal.net.http", List.of(
                        Hook.of("jdk.internal.net.http.HttpClientImpl", "send",
                                "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;)"
                                        + "Ljava/net/http/HttpResponse;", JdkHttpClientSend.class),
                        Hook.of("jdk.internal.net.http.HttpClientImpl", "sendAsync",
                                "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
                                        + "Ljava/net/http/HttpResponse$PushPromiseHandler;)"
                                        + "Ljava/util/concurrent/CompletableFuture;", JdkHttpClientSendAsync.class))),
                // Netty 4.1 and 4.2 (and relocated copies): every Bootstrap.connect overload ends here, on
                // the caller's thread, before the event loop connects
                new Entries("Netty entries", "io.netty", List.of(
                        Hook.of("io.netty.bootstrap.Bootstrap", "doResolveAndConnect",
                                "(Ljava/net/SocketAddress;Ljava/net/SocketAddress;)Lio/netty/channel/ChannelFuture;",
                                NettyConnect.class))),
                // Jetty 12's client; the blocking send() goes through this one too
                new Entries("Jetty entries", "org.eclipse.jetty", List.of(
                        Hook.of("org.eclipse.jetty.client.transport.HttpRequest", "send",
                                "(Lorg/eclipse/jetty/client/Response$CompleteListener;)V", JettySend.class))),
                // Reactor Netty 1.x: the request is subscribed on the caller's thread (block(), subscribe())
                new Entries("Reactor Netty entries", "reactor.netty", List.of(
                        Hook.of("reactor.netty.http.client.HttpClientConnect$MonoHttpConnect", "subscribe",
                                "(Lreactor/core/CoreSubscriber;)V", ReactorNettySubscribe.class))));
    }

    static final class OkHttpExecute {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object call) {
            LibraryCalls.okHttp(call, "RealCall.execute");
        }
    }

    static final class OkHttpEnqueue {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object call) {
            LibraryCalls.okHttp(call, "RealCall.enqueue");
        }
    }

    static final class JdkHttpClientSend {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object request) {
            LibraryCalls.jdkHttpClient(request, "HttpClient.send");
        }
    }

    static final class JdkHttpClientSendAsync {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object request) {
            LibraryCalls.jdkHttpClient(request, "HttpClient.sendAsync");
        }
    }

    static final class NettyConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object remote) {
            LibraryCalls.nettyConnect(remote, "Bootstrap.connect");
        }
    }

    static final class JettySend {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object request) {
            LibraryCalls.jetty(request, "Request.send");
        }
    }

    static final class ReactorNettySubscribe {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("config") Object config) {
            LibraryCalls.reactorNetty(config, "HttpClient request");
        }
    }
}
