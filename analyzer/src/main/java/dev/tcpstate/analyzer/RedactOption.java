package dev.tcpstate.analyzer;

import picocli.CommandLine.Option;

/** {@code --redact}, shared by the commands that print addresses. */
final class RedactOption {
    @Option(names = "--redact",
            description = "Replace every IP address and host name with a pseudonym (loopback-1, ipv4-2, ipv6-1,"
                    + " any-1, host-1), the same for the same address, to share the output. Ports, stack frames"
                    + " and thread names are kept.")
    boolean redact;
}
