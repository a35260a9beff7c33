package dev.tcpstate.analyzer;

/** Command line of the analyzer: reads recordings and reports lingering connections. */
public final class Analyzer {
    public static void main(String[] args) {
        System.err.println("usage: java -jar tcpstate-analyzer.jar report <recording.jfr>...  (arrives with the analyzer issue)");
        System.exit(2);
    }
}
