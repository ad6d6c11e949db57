package io.procpool.internal.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps its {@code capacity} most recently used entries: the worker's function cache,
 * the parent's mirror of it (both must evict the same keys), and the parent's function caches.
 * Not thread-safe: each user guards its own.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;
  private final int capacity;

  public LruMap(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
