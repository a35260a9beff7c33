package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.nio.channels.AsynchronousSocketChannel;

/** {@code java.nio.channels.AsynchronousSocketChannel}, connected or accepted. */
final class ForAsynchronousSocketChannel extends TypedAdapter {

    ForAsynchronousSocketChannel() {
        super(SocketKind.ASYNCHRONOUS_SOCKET_CHANNEL, AsynchronousSocketChannel.class);
    }

    @Override
    public Endpoint local(Object s) {
        return NetworkChannels.local((AsynchronousSocketChannel) s);
    }

    @Override
    public Endpoint remote(Object s) {
        try {
            return Endpoint.of(((AsynchronousSocketChannel) s).getRemoteAddress());
        } catch (Exception e) {
            return null; // closed: the address stays unknown
        }
    }

    /** Asked, although JDK 17 to 25 offer no SO_LINGER on this channel (the answer is then false). */
    @Override
    public boolean lingerZero(Object s) {
        return NetworkChannels.lingerZero((AsynchronousSocketChannel) s);
    }

    @Override
    public boolean hasUnreadInput(Object s) {
        return false; // no way to ask without reading; the kernel view shows what a close did
    }
}
