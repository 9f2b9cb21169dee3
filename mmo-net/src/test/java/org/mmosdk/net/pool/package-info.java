/** Tests of the outbound connection pool, on loopback; JUnit's thread. */
package org.mmosdk.net.pool;
