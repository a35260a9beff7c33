package dev.tcpstate.agent.instrument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The classes every library hook is in, matched by name under the library's root package or a
 * relocation of it. Every class the JVM loads passes {@link #matches(String)}: one map look-up by the
 * name's last segment, then a suffix comparison, and nothing is parsed.
 */
final class LibraryTypes extends ElementMatcher.Junction.AbstractBase<TypeDescription> {

    /** One hooked class of one library, and its hooks. */
    static final class Type extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
        private final LibraryInstrumentation library;
        private final String canonical;
        private final List<Hook> hooks = new ArrayList<>();

        Type(LibraryInstrumentation library, String canonical) {
            this.library = library;
            this.canonical = canonical;
        }

        LibraryInstrumentation library() {
            return library;
        }

        List<Hook> hooks() {
            return hooks;
        }

        /** The library's root package as {@code className} has it, or null when it is not this class. */
        String relocatedRoot(String className) {
            return LibraryInstrumentation.relocatedRoot(className, canonical, library.rootPackage());
        }

        @Override
        public boolean matches(TypeDescription target) {
            return relocatedRoot(target.getName()) != null;
        }
    }

    private final Map<String, Type> byName = new LinkedHashMap<>();
    /** By the last segment of the name ({@code Socket}, {@code AbstractIoUringChannel$AbstractUringUnsafe}). */
    private final Map<String, List<Type>> bySimpleName = new HashMap<>();

    LibraryTypes(List<LibraryInstrumentation> libraries) {
        for (LibraryInstrumentation library : libraries) {
            for (Hook h : library.hooks()) {
                Type type = byName.computeIfAbsent(h.typeName(), name -> {
                    Type t = new Type(library, name);
                    bySimpleName.computeIfAbsent(simpleName(name), k -> new ArrayList<>()).add(t);
                    return t;
                });
                type.hooks.add(h);
            }
        }
    }

    List<Type> types() {
        return new ArrayList<>(byName.values());
    }

    boolean matches(String className) {
        List<Type> candidates = bySimpleName.get(simpleName(className));
        if (candidates != null) {
            for (Type t : candidates) {
                if (t.relocatedRoot(className) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean matches(TypeDescription target) {
        return matches(target.getName());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
