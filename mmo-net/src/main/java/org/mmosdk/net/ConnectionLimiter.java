package org.mmosdk.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts connections in total and per remote address. Thread-safe. */
final class ConnectionLimiter {
    private final int maxTotal;
    private final int maxPerIp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

    ConnectionLimiter(final int maxTotal, final int maxPerIp) {
        this.maxTotal = maxTotal;
        this.maxPerIp = maxPerIp;
    }

    /** Takes a slot: 0, or the close code explaining why none is free. */
    int tryAcquire(final InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return CloseCodes.TOO_MANY_CONNECTIONS;
        }
        if (address != null) {
            final int[] result = {0};
            perIp.compute(address, (a, count) -> {
                final AtomicInteger c = count == null ? new AtomicInteger() : count;
                if (c.get() >= maxPerIp) {
                    result[0] = CloseCodes.TOO_MANY_CONNECTIONS_FROM_IP;
                } else {
                    c.incrementAndGet();
                }
                return c.get() == 0 ? null : c;
            });
            if (result[0] != 0) {
                total.decrementAndGet();
                return result[0];
            }
        }
        return 0;
    }

    void release(final InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            perIp.computeIfPresent(address, (a, c) -> c.decrementAndGet() == 0 ? null : c);
        }
    }

    int total() {
        return total.get();
    }
}
