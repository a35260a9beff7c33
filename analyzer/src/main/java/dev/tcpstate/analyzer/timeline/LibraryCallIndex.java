package dev.tcpstate.analyzer.timeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tcpstate.analyzer.load.Endpoint;
import dev.tcpstate.analyzer.load.LibraryCall;
import dev.tcpstate.contract.Library;

/**
 * The application's calls into networking libraries, by JVM run, library and port, in time order:
 * what joins a connection a library opened on its own thread to the call that asked for it.
 */
public final class LibraryCallIndex {
    private record Key(String jvm, Library library, int port) {
    }

    private final Map<Key, List<LibraryCall>> calls = new HashMap<>();

    LibraryCallIndex(Collection<LibraryCall> all) {
        for (LibraryCall c : all) {
            if (c.library() != null) {
                calls.computeIfAbsent(new Key(c.jvm(), c.library(), c.port()), k -> new ArrayList<>()).add(c);
            }
        }
    }

    /**
     * The latest call into one of {@code libraries} for the peer of {@code c} made at or before
     * {@code openedAt}; a call that named no port matches any. A call naming an address must name
     * the connection's; one naming a host name matches any address (the name was resolved after it).
     */
    LibraryCall latestBefore(Connection c, long openedAt, Collection<Library> libraries) {
        LibraryCall best = null;
        Endpoint remote = c.remote();
        for (Library library : libraries) {
            for (int port : new int[] {remote.port(), 0}) {
                List<LibraryCall> list = calls.get(new Key(c.key().jvm(), library, port));
                if (list == null) {
                    continue;
                }
                for (int i = latestIndexAtOrBefore(list, openedAt); i >= 0; i--) {
                    LibraryCall call = list.get(i);
                    if (sameHost(call.host(), remote.address())) {
                        if (best == null || call.time() > best.time()) {
                            best = call;
                        }
                        break;
                    }
                }
            }
        }
        return best;
    }

    private static int latestIndexAtOrBefore(List<LibraryCall> list, long time) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).time() <= time) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static boolean sameHost(String asked, String connected) {
        if (asked.isEmpty() || connected.isEmpty() || !isAddress(asked)) {
            return true;
        }
        return new Endpoint(asked, 0).address().equalsIgnoreCase(connected);
    }

    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
    }
}
