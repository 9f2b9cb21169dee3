/**
 * The gateway's load tester: {@link org.mmosdk.examples.loadtest.LoadTest}, a runnable program (not a unit test)
 * that measures idle connections, server heap per connection, connect rate and broadcast delivery latency on
 * loopback.
 *
 * <p>Threads: {@code main} drives each process; the gateway's and the clients' I/O threads record what they see into
 * thread-safe counters and a synchronized histogram.
 */
package org.mmosdk.examples.loadtest;
