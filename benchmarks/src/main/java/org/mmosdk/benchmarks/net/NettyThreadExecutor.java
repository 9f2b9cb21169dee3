package org.mmosdk.benchmarks.net;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * JMH's worker threads as Netty {@code FastThreadLocalThread}s, selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=org.mmosdk.benchmarks.net.NettyThreadExecutor}. Netty 4.2 pools
 * buffers and recycles objects only on threads that clean up their fast thread-locals (its event loop threads);
 * on JMH's plain threads every pooled {@code ByteBuf}, duplicate and outbound entry would be a new object, which is
 * not what a gateway's I/O thread does.
 */
public final class NettyThreadExecutor extends ThreadPoolExecutor {
    /**
     * The constructor JMH calls.
     *
     * @param maxThreads JMH's thread count
     * @param prefix thread name prefix
     */
    public NettyThreadExecutor(final int maxThreads, final String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), new DefaultThreadFactory(prefix, true));
    }
}
