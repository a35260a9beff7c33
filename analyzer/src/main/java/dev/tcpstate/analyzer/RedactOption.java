package dev.tcpstate.analyzer;

import picocli.CommandLine.Option;

/** {@code --redact}, shared by the commands that print addresses. */
final class RedactOption {
    @Option(names = "--redact",
            description = "Replace every IP address and host name with a pseudonym (loopback-1, ipv4-2, ipv6-1,"
                    + " any-1, host-1), and every thread name (thread-name-1) but the JDK's and common libraries'"
                    + " fixed ones (main, pool-1-thread-2, OkHttp TaskRunner), the same for the same value, to"
                    + " share the output. Ports and stack frames are kept.")
    boolean redact;
}
