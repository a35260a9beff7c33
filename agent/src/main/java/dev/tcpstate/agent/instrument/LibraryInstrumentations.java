package dev.tcpstate.agent.instrument;

import java.util.ArrayList;
import java.util.List;

/** Every library the agent weaves: adding one is one {@link LibraryInstrumentation} class and one line here. */
public final class LibraryInstrumentations {

    private static final List<LibraryInstrumentation> ALL = all(new NettyInstrumentation());

    private static List<LibraryInstrumentation> all(LibraryInstrumentation... transports) {
        List<LibraryInstrumentation> all = new ArrayList<>(List.of(transports));
        all.addAll(LibraryEntryInstrumentation.libraries());
        return List.copyOf(all);
    }

    private LibraryInstrumentations() {
    }

    public static List<LibraryInstrumentation> all() {
        return ALL;
    }

    /** Every library hook, by the names of the libraries' own (not relocated) classes. */
    public static List<Hook> hooks() {
        List<Hook> hooks = new ArrayList<>();
        for (LibraryInstrumentation library : ALL) {
            hooks.addAll(library.hooks());
        }
        return hooks;
    }
}
