package dev.tcpstate.analyzer.findings;

import java.util.List;

import dev.tcpstate.analyzer.load.Frame;
import dev.tcpstate.contract.Library;

/**
 * Which frames of a stack are the application's: every frame that belongs to neither the JDK, nor
 * tcpstate, nor a networking library ({@link Library}), nor a prefix the user declared a library;
 * a prefix the user declared the application's wins over all of them (e.g. an application whose own
 * packages live under {@code io.grpc.examples.}).
 */
public record Attribution(List<String> libraryPrefixes, List<String> applicationPrefixes) {
    public static final Attribution DEFAULT = new Attribution(List.of(), List.of());

    public static final Preference<String> LIBRARY_PREFIXES = Preference.prefixes("library-prefixes",
            "Library packages", "Package prefixes of libraries to see through, besides the JDK and the networking"
            + " libraries tcpstate knows: the code site is the first frame outside them");
    public static final Preference<String> APPLICATION_PREFIXES = Preference.prefixes("application-prefixes",
            "Application packages", "Package prefixes that are always the application's, even inside a library's"
            + " packages (e.g. io.grpc.examples.)");

    public Attribution {
        libraryPrefixes = List.copyOf(libraryPrefixes);
        applicationPrefixes = List.copyOf(applicationPrefixes);
    }

    /** The attribution {@code thresholds} ask for. */
    public static Attribution of(Thresholds thresholds) {
        List<String> libraries = split(thresholds.get(LIBRARY_PREFIXES));
        List<String> applications = split(thresholds.get(APPLICATION_PREFIXES));
        return libraries.isEmpty() && applications.isEmpty() ? DEFAULT : new Attribution(libraries, applications);
    }

    private static List<String> split(String prefixes) {
        return prefixes.isEmpty() ? List.of() : List.of(prefixes.split(","));
    }

    /** The library {@code frame} belongs to; {@code null} for the application's own code. */
    public Library libraryOf(Frame frame) {
        String name = frame.className();
        for (String p : applicationPrefixes) {
            if (name.startsWith(p)) {
                return null;
            }
        }
        Library known = Library.of(name);
        if (known != null) {
            return known;
        }
        for (String p : libraryPrefixes) {
            if (name.startsWith(p)) {
                return Library.OTHER_CLIENTS;
            }
        }
        return null;
    }
}
