package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.nio.channels.ServerSocketChannel;

/** {@code java.nio.channels.ServerSocketChannel}: a listener; what it accepts is a {@link ForSocketChannel}. */
final class ForServerSocketChannel extends ListenerAdapter {

    ForServerSocketChannel() {
        super(SocketKind.SERVER_SOCKET_CHANNEL, ServerSocketChannel.class);
    }

    @Override
    public Endpoint local(Object s) {
        return NetworkChannels.local((ServerSocketChannel) s);
    }
}
