/** Gateway tests: the transport contract, hostile input, leak cycles and properties; all on 127.0.0.1. */
package org.mmosdk.net;
