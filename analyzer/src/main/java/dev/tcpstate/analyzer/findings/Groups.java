package dev.tcpstate.analyzer.findings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcpstate.analyzer.load.Frame;

/** Connections grouped the way findings are: by code site and peer. */
final class Groups<T> {
    record Key(Frame frame, String peer) {
    }

    static final class Group<T> {
        final CodeSite site;
        final String peer;
        final List<T> members = new ArrayList<>();

        Group(CodeSite site, String peer) {
            this.site = site;
            this.peer = peer;
        }
    }

    private final Map<Key, Group<T>> groups = new LinkedHashMap<>();

    void add(CodeSite site, String peer, T member) {
        groups.computeIfAbsent(new Key(site.frame(), peer), k -> new Group<>(site, peer)).members.add(member);
    }

    Iterable<Group<T>> all() {
        return groups.values();
    }

    static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
