package dev.tcpstate.agent.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The child of {@link AsynchronousEndOfStreamIT}: the {@code async-handler-eof} scenario of
 * {@link Scenarios}, held between the steps the test compares with {@code ss}. Once the client's
 * completion handler got -1 it prints {@code eof client <local port> server <port>} and waits for
 * {@code close} on stdin; then it closes the client, prints {@code closed} and waits for {@code exit}.
 */
public final class AsynchronousPassiveClose {

    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Scenarios.asyncPassiveClose("async-handler-eof", false, client -> {
            System.out.println("eof client " + ((InetSocketAddress) client.getLocalAddress()).getPort() + " server "
                    + ((InetSocketAddress) client.getRemoteAddress()).getPort());
            awaitLine(stdin, "close");
        });
        System.out.println("closed");
        awaitLine(stdin, "exit");
    }

    private static void awaitLine(BufferedReader stdin, String wanted) throws Exception {
        for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
            if (line.equals(wanted)) {
                return;
            }
        }
        throw new IllegalStateException("stdin ended before '" + wanted + "'");
    }
}
