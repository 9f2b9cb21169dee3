/**
 * mmo-sync: frame sync, state sync with interest management and delta compression, and their hybrid.
 * Not implemented yet; see the project's issues.
 */
package org.mmosdk.sync;
