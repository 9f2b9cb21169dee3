package org.mmosdk.sync.lockstep;

/** What a sealed frame holds for a player whose input did not arrive in time. */
public enum MissingInputPolicy {
    /** The player's input of the previous frame (a held key stays held). */
    REPEAT_LAST,
    /** All zero bytes (no buttons, no movement). */
    NEUTRAL
}
