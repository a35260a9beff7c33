package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.nio.channels.AsynchronousServerSocketChannel;

/** {@code java.nio.channels.AsynchronousServerSocketChannel}: a listener. */
final class ForAsynchronousServerSocketChannel extends ListenerAdapter {

    ForAsynchronousServerSocketChannel() {
        super(SocketKind.ASYNCHRONOUS_SERVER_SOCKET_CHANNEL, AsynchronousServerSocketChannel.class);
    }

    @Override
    public Endpoint local(Object s) {
        return NetworkChannels.local((AsynchronousServerSocketChannel) s);
    }
}
