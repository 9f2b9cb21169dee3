/**
 * Runnable examples, written only against the public SDK API as a studio would write them.
 * {@link org.mmosdk.examples.Main} is the entry point of {@code mmo-examples.jar}.
 *
 * <p>Threads: each example documents its own; {@code Main} runs on the launching thread.
 */
package org.mmosdk.examples;
