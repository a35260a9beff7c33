package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/** What every NIO channel answers alike. */
final class NetworkChannels {

    private NetworkChannels() {
    }

    static Endpoint local(NetworkChannel channel) {
        try {
            return Endpoint.of(channel.getLocalAddress());
        } catch (Exception e) {
            return null; // closed or not bound: the address stays unknown
        }
    }

    static boolean lingerZero(NetworkChannel channel) {
        try {
            Integer linger = channel.getOption(StandardSocketOptions.SO_LINGER);
            return linger != null && linger == 0;
        } catch (Exception e) {
            return false; // unknown, or not an option of this channel: assume the default (no linger)
        }
    }
}
