package dev.tcpstate.agent.attach;

/** {@code java -jar tcpstate-agent.jar}: the attach command line. */
public final class AttachCli {
    public static void main(String[] args) {
        System.err.println("tcpstate: the attach command line is not built yet");
        System.exit(2);
    }
}
