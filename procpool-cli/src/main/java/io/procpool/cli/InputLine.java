package io.procpool.cli;

import java.io.Serializable;

/**
 * One line of input on its way to a worker.
 *
 * @param position the item's position among those handed to the pool (the pool's index for it)
 * @param index the line's position in the input, 0-based (the job log's {@code index})
 * @param text the line without its terminator
 */
record InputLine(int position, long index, String text) implements Serializable {}
