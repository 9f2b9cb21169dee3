/* Generated SBE (Simple Binary Encoding) message codecs.*/
/**
 * mmo-sync snapshot, benchmark peer
 */
package org.mmosdk.benchmarks.peers.sbe;
