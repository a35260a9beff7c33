package dev.tcpstate.demo;

import java.io.PrintStream;

/** One reproduction of a TCP pathology (or of its cure) on loopback, bounded in time. */
public interface Scenario {

    /** The name on the command line. */
    String name();

    /** What it shows, in one line. */
    String summary();

    /** Runs to the end, printing what it does and what the kernel shows; leaves no thread or socket open. */
    void run(Options options, PrintStream out) throws Exception;
}
