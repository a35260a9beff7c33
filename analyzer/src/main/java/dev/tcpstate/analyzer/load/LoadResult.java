package dev.tcpstate.analyzer.load;

import java.util.List;

/**
 * What could be read from a set of recordings, and what could not.
 *
 * @param warnings one line each: parts of a recording that were skipped, recordings without our events
 */
public record LoadResult(TcpEvents events, List<String> files, List<String> warnings) {
    public LoadResult {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }
}
