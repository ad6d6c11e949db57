package io.procpool.cli;

import java.io.Serializable;

/**
 * What a worker sends back for a line that succeeded.
 *
 * @param position the item's position among those handed to the pool
 * @param index the line's position in the input, 0-based
 * @param text the user function's result as a string ({@code String.valueOf})
 * @param nanos how long the user function ran, measured in the worker
 */
record LineResult(int position, long index, String text, long nanos) implements Serializable {}
