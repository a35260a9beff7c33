package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.Library;

/**
 * One {@code tcpstate.LibraryCall}: the application entered a networking library, which may then
 * open connections on threads of its own. Its stack is the application code that asked.
 *
 * @param library {@code null} when the recording names a library this analyzer does not know
 * @param host as the application named it (a host name or an address); empty when unknown
 * @param port 0 when unknown
 */
public record LibraryCall(String jvm, long time, Library library, String entry, String host, int port, String thread,
        CallStack stack) {
}
