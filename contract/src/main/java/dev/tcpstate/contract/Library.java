package dev.tcpstate.contract;

import java.util.List;

/**
 * The code that is neither the application's nor tcpstate's: the JDK and the networking libraries
 * that open connections on an application's behalf. The analyzer names the first stack frame outside
 * all of them (the application's) and the library frame it entered through; the agent's
 * {@code tcpstate.LibraryCall} event names the library whose public entry the application called.
 * Relocated copies (e.g. {@code io.grpc.netty.shaded.io.netty.}) belong to the library they copy.
 */
public enum Library {
    JDK("the JDK", false, "java.", "javax.", "jdk.", "sun.", "com.sun."),
    /** The JDK's {@code java.net.http.HttpClient}: an HTTP client, so a library to enter through. */
    JDK_HTTP_CLIENT("JDK HttpClient", true, "java.net.http.", "jdk.internal.net.http."),
    TCPSTATE("tcpstate", false, "dev.tcpstate.agent.", "dev.tcpstate.shaded."),
    OKHTTP("OkHttp", true, "okhttp3.", "okio."),
    KOTLIN("Kotlin", false, "kotlin.", "kotlinx.coroutines."),
    NETTY("Netty", true, "io.netty."),
    REACTOR_NETTY("Reactor Netty", true, "reactor.netty."),
    REACTOR("Reactor", false, "reactor.core.", "reactor.util."),
    JETTY("Jetty", true, "org.eclipse.jetty."),
    APACHE_HTTPCLIENT_4("Apache HttpClient 4", true, "org.apache.http."),
    APACHE_HTTPCLIENT_5("Apache HttpClient 5", true, "org.apache.hc."),
    GRPC("gRPC", true, "io.grpc."),
    SPRING_WEB_CLIENT("Spring HTTP clients", true, "org.springframework.web.client.",
            "org.springframework.http.client.", "org.springframework.web.reactive.function.client."),
    JDBC("a JDBC driver or pool", true, "org.postgresql.", "com.mysql.", "org.mariadb.", "oracle.jdbc.",
            "com.microsoft.sqlserver.", "org.h2.", "com.zaxxer.hikari.", "org.apache.commons.dbcp2.",
            "org.apache.tomcat.jdbc.", "com.mchange.v2."),
    REDIS("a Redis client", true, "io.lettuce.", "redis.clients.jedis."),
    OTHER_CLIENTS("a client library", true, "com.mongodb.", "org.apache.kafka.clients.", "com.datastax.",
            "software.amazon.awssdk.http.", "com.amazonaws.http.", "feign.", "retrofit2.", "com.google.api.client.http.");

    private final String displayName;
    private final boolean entered;
    private final List<String> prefixes;

    Library(String displayName, boolean entered, String... prefixes) {
        this.displayName = displayName;
        this.entered = entered;
        this.prefixes = List.of(prefixes);
    }

    /** How a report names it: {@code OkHttp}, {@code the JDK}. */
    public String displayName() {
        return displayName;
    }

    /**
     * Whether an application calls into it as a client library ("via OkHttp RealCall.execute"), rather
     * than as a platform whose frames say nothing about the request (the JDK's sockets, Kotlin's runtime).
     */
    public boolean isEntered() {
        return entered;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /** The library {@code className} belongs to, or {@code null} for the application's own code. */
    public static Library of(String className) {
        if (className == null) {
            return null;
        }
        Library found = null;
        int longest = 0;
        for (Library l : values()) {
            for (String p : l.prefixes) {
                if (p.length() > longest && (className.startsWith(p) || relocated(className, p))) {
                    found = l;
                    longest = p.length();
                }
            }
        }
        return found;
    }

    /** A shaded copy: {@code io.grpc.netty.shaded.io.netty.Foo} is Netty's {@code io.netty.Foo}. */
    private static boolean relocated(String className, String prefix) {
        return !prefix.startsWith("java") && !prefix.startsWith("jdk.") && !prefix.startsWith("sun.")
                && className.contains("." + prefix);
    }

    /** The library named {@code name} in a recording, or {@code null}. */
    public static Library parse(String name) {
        return Vocabulary.parse(Library.class, name);
    }
}
