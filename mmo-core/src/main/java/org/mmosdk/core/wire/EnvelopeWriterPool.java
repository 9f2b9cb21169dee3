package org.mmosdk.core.wire;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A bounded, thread-safe pool of {@link EnvelopeWriter}s for threads that encode now and then (I/O threads,
 * timers) and should not each own a writer. Borrowing and returning allocate nothing; when the pool is empty a new
 * writer is made, and a writer returned to a full pool (or grown beyond {@code maxRetainedBytes}) is dropped.
 */
public final class EnvelopeWriterPool {
    private final ManyToManyConcurrentArrayQueue<EnvelopeWriter> writers;
    private final int initialBytes;
    private final int maxRetainedBytes;

    /**
     * A pool.
     *
     * @param capacity most idle writers kept, at least 1
     * @param initialBytes builder size of new writers
     * @param maxRetainedBytes writers whose builder grew beyond this are not kept
     */
    public EnvelopeWriterPool(final int capacity, final int initialBytes, final int maxRetainedBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (maxRetainedBytes < initialBytes) {
            throw new IllegalArgumentException("maxRetainedBytes (" + maxRetainedBytes + ") must be >= initialBytes ("
                + initialBytes + ")");
        }
        this.writers = new ManyToManyConcurrentArrayQueue<>(capacity);
        this.initialBytes = initialBytes;
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /**
     * Borrows a writer; return it with {@link #release(EnvelopeWriter)}.
     *
     * @return a writer for the calling thread's exclusive use
     */
    public EnvelopeWriter acquire() {
        final EnvelopeWriter writer = writers.poll();
        return writer != null ? writer : new EnvelopeWriter(initialBytes);
    }

    /**
     * Returns a writer; the caller must not use it afterwards.
     *
     * @param writer a writer from {@link #acquire()}
     */
    public void release(final EnvelopeWriter writer) {
        if (writer.capacity() <= maxRetainedBytes) {
            writers.offer(writer);
        }
    }

    /**
     * Idle writers in the pool.
     *
     * @return the count
     */
    public int idle() {
        return writers.size();
    }
}
