/** Tests of the shared plumbing; single-threaded. */
package org.mmosdk.net.internal;
