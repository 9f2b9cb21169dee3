/**
 * The gateway's load tester: {@link org.mmosdk.examples.loadtest.LoadTest}, a runnable program (not a unit test)
 * that measures idle connections, server heap per connection, connect rate and broadcast delivery latency on
 * loopback (end to end, and the server's send side apart, with CPU per process), and holds 50k connections over
 * several gateway processes sharing a port with {@code SO_REUSEPORT}.
 *
 * <p>Threads: {@code main} drives each process; the gateway's and the clients' I/O threads record what they see into
 * thread-safe counters and synchronized histograms; forked processes talk to the parent over stdin/stdout lines.
 */
package org.mmosdk.examples.loadtest;
