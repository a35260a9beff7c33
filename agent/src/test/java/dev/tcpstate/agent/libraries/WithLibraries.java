package dev.tcpstate.agent.libraries;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The main class of a child JVM whose program needs libraries (Netty): it runs {@code args[0]}'s main
 * with the rest of the arguments in a class loader of its own over the jars of the system property
 * {@value #PROPERTY} and the test classes, as an application server or a fat-jar launcher would. The
 * agent's classes stay reachable only as everywhere: from the bootstrap class path.
 */
public final class WithLibraries {

    public static final String PROPERTY = "tcpstate.it.libraries";

    private WithLibraries() {
    }

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String jar : System.getProperty(PROPERTY, "").split(File.pathSeparator)) {
            if (!jar.isEmpty()) {
                urls.add(Path.of(jar).toUri().toURL());
            }
        }
        urls.add(WithLibraries.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new URLClassLoader("libraries", urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Class.forName(args[0], true, loader).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    /** Netty's jars on this JVM's class path (group {@code io.netty}), for {@value #PROPERTY}. */
    static String nettyJars() throws Exception {
        return jarsUnder("/io/netty/");
    }

    /** The jars on this JVM's class path whose path holds {@code part} (in the local repository: their group). */
    public static String jarsUnder(String part) throws Exception {
        List<String> jars = new ArrayList<>();
        var manifests = ClassLoader.getSystemClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            String url = manifests.nextElement().toString();
            if (url.startsWith("jar:file:") && url.contains(part)) {
                jars.add(Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI()).toString());
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no jar under " + part + " on the test class path");
        }
        return String.join(File.pathSeparator, jars);
    }
}
