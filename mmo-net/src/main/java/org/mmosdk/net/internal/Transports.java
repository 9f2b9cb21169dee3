package org.mmosdk.net.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Epoll when the native transport loads, NIO otherwise. */
public final class Transports {
    private Transports() {
    }

    /**
     * Whether the epoll transport is usable on this machine.
     *
     * @return {@code Epoll.isAvailable()}
     */
    public static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    /**
     * A new event loop group.
     *
     * @param threads 0 for Netty's default (2 × cores)
     * @param name thread name prefix
     * @param preferEpoll use epoll if available
     * @param daemon whether the threads are daemons
     * @return the group; the caller shuts it down
     */
    public static EventLoopGroup newGroup(final int threads, final String name, final boolean preferEpoll, final boolean daemon) {
        final DefaultThreadFactory factory = new DefaultThreadFactory(name, daemon);
        return new MultiThreadIoEventLoopGroup(threads, factory,
            preferEpoll && Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * Whether a group runs the epoll transport.
     *
     * @param group any group
     * @return true for an epoll group
     */
    public static boolean isEpoll(final EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }

    /**
     * The server channel class that fits a group.
     *
     * @param group the boss group
     * @return epoll or NIO server channel class
     */
    public static Class<? extends ServerChannel> serverChannel(final EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * The client channel class that fits a group.
     *
     * @param group the group the client connects on
     * @return epoll or NIO socket channel class
     */
    public static Class<? extends Channel> socketChannel(final EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
