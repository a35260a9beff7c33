package dev.tcpstate.demo;

/** Entry point of the demo scenarios; each reproduces one TCP pathology on loopback. */
public final class Demo {
    public static void main(String[] args) {
        System.err.println("usage: java -jar tcpstate-demo.jar <scenario>  (scenarios arrive with the demo issue)");
        System.exit(2);
    }
}
