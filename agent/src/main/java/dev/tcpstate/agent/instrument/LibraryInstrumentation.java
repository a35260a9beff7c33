package dev.tcpstate.agent.instrument;

import java.util.List;

/**
 * The hooks of one library whose classes live in application class loaders (Netty's native
 * transports, ...), woven when those classes load, or retransformed when an attach finds them loaded.
 * Each hook names a class of the library under its own root package (e.g. {@code io.netty}); a shaded
 * copy keeps that package after a relocation prefix ({@code io.grpc.netty.shaded.io.netty...}), and is
 * matched by that suffix, with the library's types in each descriptor relocated the same way. A method
 * a version of the library lacks is skipped, and listed among the installation's unwoven hooks.
 */
public interface LibraryInstrumentation {

    /** For people: {@code Netty}. */
    String name();

    /** The library's own root package, which a relocated copy keeps after its prefix: {@code io.netty}. */
    String rootPackage();

    /** Every hook, by the class's name under {@link #rootPackage()}, method name and descriptors. */
    List<Hook> hooks();

    /**
     * The root package under which {@code className} is the library's class {@code canonical}: the
     * library's own root, a relocated one ({@code io.grpc.netty.shaded.io.netty}), or null for a class
     * that is not this one.
     */
    static String relocatedRoot(String className, String canonical, String rootPackage) {
        if (className.equals(canonical)) {
            return rootPackage;
        }
        int prefix = className.length() - canonical.length();
        if (prefix > 0 && className.endsWith(canonical) && className.charAt(prefix - 1) == '.') {
            return className.substring(0, prefix) + rootPackage;
        }
        return null;
    }

    /** A descriptor of the library's own classes, as it reads in a copy relocated under {@code relocatedRoot}. */
    static String relocate(String descriptor, String rootPackage, String relocatedRoot) {
        if (relocatedRoot.equals(rootPackage)) {
            return descriptor;
        }
        return descriptor.replace("L" + rootPackage.replace('.', '/') + "/", "L" + relocatedRoot.replace('.', '/') + "/");
    }
}
