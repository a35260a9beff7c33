package dev.tcpstate.agent.bridge;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.contract.Library;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the advice at a networking library's public entry calls: the application asked the library
 * for a request, and the library may open its connection on a thread of its own, whose stack then
 * holds no application frame. The event recorded here carries the application's stack; the analyzer
 * joins it to the connection by library, peer and time.
 *
 * <p>The library's classes live in the application's class loaders, so what the request names (host,
 * port) is read by reflection on methods the library declares public, looked up once per class.
 * Nothing here throws: a library version without such a method records the call without its peer.
 */
public final class LibraryCalls {

    private static volatile ConnectionRegistry registry;
    private static final AtomicLong dropped = new AtomicLong();
    /** Public no-argument methods, by declaring class and name; a missing one is cached as {@link #ABSENT}. */
    private static final ConcurrentHashMap<Class<?>, ConcurrentHashMap<String, Method>> METHODS =
            new ConcurrentHashMap<>();
    private static final Method ABSENT;

    static {
        try {
            ABSENT = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LibraryCalls() {
    }

    public static void install(ConnectionRegistry r) {
        registry = r;
    }

    public static void uninstall() {
        registry = null;
    }

    /** Calls lost to a failure inside the agent. */
    public static long droppedCount() {
        return dropped.get();
    }

    /** OkHttp's {@code RealCall.execute()} / {@code enqueue(Callback)}: {@code call.request().url()}. */
    public static void okHttp(Object call, String entry) {
        ConnectionRegistry r = registry;
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Object url = get(get(call, "request"), "url");
            r.libraryCall(Library.OKHTTP, entry, string(get(url, "host")), number(get(url, "port")));
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** The JDK's {@code HttpClient.send} / {@code sendAsync}: {@code request.uri()}. */
    public static void jdkHttpClient(Object request, String entry) {
        ConnectionRegistry r = registry;
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            // by reflection: java.net.http is the platform loader's, which this boot-loaded class cannot see
            Object found = get(request, "uri");
            URI uri = found instanceof URI ? (URI) found : null;
            int port = uri == null ? 0 : uri.getPort() >= 0 ? uri.getPort()
                    : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            r.libraryCall(Library.JDK_HTTP_CLIENT, entry, uri == null ? null : uri.getHost(), port);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** Netty's {@code Bootstrap} connecting a channel to {@code remote} (a {@code SocketAddress}). */
    public static void nettyConnect(Object remote, String entry) {
        ConnectionRegistry r = registry;
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            String host = null;
            int port = 0;
            if (remote instanceof InetSocketAddress) {
                InetSocketAddress a = (InetSocketAddress) remote;
                host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
                port = a.getPort();
            }
            r.libraryCall(Library.NETTY, entry, host, port);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** Jetty's {@code HttpClient} sending a request: {@code request.getHost()}, {@code getPort()}. */
    public static void jetty(Object request, String entry) {
        ConnectionRegistry r = registry;
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            r.libraryCall(Library.JETTY, entry, string(get(request, "getHost")), number(get(request, "getPort")));
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** Reactor Netty's {@code HttpClient} subscribed to a request: its {@code HttpClientConfig.uri()}. */
    public static void reactorNetty(Object config, String entry) {
        ConnectionRegistry r = registry;
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Object uri = get(config, "uri");
            URI parsed = uri instanceof String ? URI.create((String) uri) : null;
            String host = parsed == null ? null : parsed.getHost();
            int port = parsed == null || host == null ? 0 : parsed.getPort() >= 0 ? parsed.getPort()
                    : "https".equalsIgnoreCase(parsed.getScheme()) || "wss".equalsIgnoreCase(parsed.getScheme()) ? 443 : 80;
            r.libraryCall(Library.REACTOR_NETTY, entry, host, port);
        } catch (Throwable t) {
            dropped.incrementAndGet();
        }
    }

    /** A public no-argument method's result, or {@code null} when {@code target} has none of that name. */
    static Object get(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            return null;
        }
        Method m = METHODS.computeIfAbsent(target.getClass(), c -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> publicMethod(target.getClass(), n));
        return m == ABSENT ? null : m.invoke(target);
    }

    /**
     * Looked up through a public type of an exported package declaring it: the implementation class of
     * a library (the JDK's {@code jdk.internal.net.http.ImmutableHttpRequest}) may be public in a package
     * its module does not export, and reflection must start at a declaration it may call.
     */
    private static Method publicMethod(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            Class<?> declaring = m.getDeclaringClass();
            if (java.lang.reflect.Modifier.isPublic(declaring.getModifiers())
                    && declaring.getModule().isExported(declaring.getPackageName())) {
                return m;
            }
            for (Class<?> i : type.getInterfaces()) {
                Method viaInterface = publicMethod(i, name);
                if (viaInterface != ABSENT) {
                    return viaInterface;
                }
            }
            return type.getSuperclass() == null ? ABSENT : publicMethod(type.getSuperclass(), name);
        } catch (NoSuchMethodException | SecurityException e) {
            return ABSENT;
        }
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    private static int number(Object o) {
        return o instanceof Number ? ((Number) o).intValue() : 0;
    }
}
