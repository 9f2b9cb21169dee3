/**
 * mmo-net: the Netty gateway (TCP and WebSocket sessions, handshake, resume, heartbeats, limits, backpressure,
 * outbound pool) and the bot client. Not implemented yet; see the project's issues.
 */
package org.mmosdk.net;
