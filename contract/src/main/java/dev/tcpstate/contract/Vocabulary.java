package dev.tcpstate.contract;

/** Reading a recording's words back into the enums that wrote them. */
final class Vocabulary {

    private Vocabulary() {
    }

    /** The constant named {@code name}, or {@code null} for a missing field or a word of a newer agent. */
    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, name.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
