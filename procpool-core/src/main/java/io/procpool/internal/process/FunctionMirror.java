package io.procpool.internal.process;

import io.procpool.internal.wire.LruMap;
import io.procpool.internal.wire.Protocol;
import java.util.Map;

/**
 * The parent's mirror of one worker's function cache, which says whether a batch must carry its
 * function's bytes or only its key. Same capacity ({@link Protocol#FUNCTION_CACHE}) and access order as the worker's cache, so a key the mirror holds is one the worker holds. Used by that worker's writer
 * thread only; no lock.
 */
final class FunctionMirror {
  private final Map<Long, Boolean> known = new LruMap<>(Protocol.FUNCTION_CACHE);
  /** The function key of the last batch sent (0: none). */
  private long lastKey;

  /**
   * Records that a batch of function {@code key} goes to the worker; returns whether it must carry
   * the function's bytes (the worker does not hold them).
   */
  boolean send(long key) {
    // the LRU is touched only when the key changes: touching the most recent entry again changes
    // neither LRU's order (and saved a boxed lookup per batch)
    boolean carry = key != lastKey && known.get(key) == null;
    if (carry) {
      known.put(key, Boolean.TRUE);
    }
    lastKey = key;
    return carry;
  }

  /**
   * Forgets everything, after a batch that may have recorded a function failed to encode: functions
   * are sent again (the worker's LRU evicts what only it still holds before anything the mirror holds).
   */
  void forget() {
    known.clear();
    lastKey = 0;
  }
}
