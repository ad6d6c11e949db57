package io.procpool.internal;

import io.procpool.SerializableFunction;

/**
 * One call on the pool ({@code map}, {@code imap}, {@code apply}, ...): a function and the batches
 * of items it runs over. Backends call {@link Batch#complete} and never touch a job's results.
 */
public abstract class Job {
  private final long id;
  private final String operation;
  private final SerializableFunction<Object, Object> fn;
  // progress, guarded by this
  private long itemsEnded;
  private long itemsFailed;
  private volatile boolean abandoned;
  /** Backend-specific prepared form of the function (the process backend's encoded bytes). */
  private volatile Object prepared;
  /** How many tasks each item stands for (a relayed batch of a cluster driver), or null: one each. Set before submission. */
  private int[] tasksPerItem;

  protected Job(long id, String operation, SerializableFunction<Object, Object> fn) {
    this.id = id;
    this.operation = operation;
    this.fn = fn;
  }

  /** The pool method that made this job ("map", "imap", "apply", ...). */
  public String operation() {
    return operation;
  }

  /** The number of items, or -1 while a lazy input is not fully read. */
  abstract long total();

  /** Sets how many tasks each item stands for (see {@link Batch#tasks}); call before the job's batches are made. */
  void tasksPerItem(int[] counts) {
    this.tasksPerItem = counts;
  }

  /** How many tasks the items {@code [start, start + n)} stand for: {@code n}, unless {@link #tasksPerItem} says otherwise. */
  int tasks(int start, int n) {
    int[] counts = tasksPerItem;
    if (counts == null) {
      return n;
    }
    long sum = 0;
    for (int i = start; i < start + n; i++) {
      sum += counts[i];
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  /** Whether the job is known to have exactly one item ({@code apply}, {@code applyAsync}, a map of one). */
  public boolean singleItem() {
    return total() == 1;
  }

  /** Counts one ended batch and returns the job's progress after it; call under the job's lock. */
  io.procpool.Progress count(int ended, int failed) {
    itemsEnded += ended;
    itemsFailed += failed;
    long total = total();
    return new io.procpool.Progress(id, operation, itemsEnded, itemsFailed, total, total >= 0 && itemsEnded >= total);
  }

  public long id() {
    return id;
  }

  public SerializableFunction<Object, Object> fn() {
    return fn;
  }

  /** Whether nobody waits for this job's results any more (iterator closed, result cancelled). */
  public boolean abandoned() {
    return abandoned;
  }

  void abandon() {
    abandoned = true;
  }

  public Object prepared() {
    return prepared;
  }

  public void prepared(Object value) {
    prepared = value;
  }

  /**
   * Tells the job how many bytes a batch of {@code items} of its items took on the wire; called by
   * a backend that encodes batches, on its own thread, once per batch sent. The default ignores it.
   */
  public void noteEncoded(int items, long bytes) {}

  /**
   * The array where a backend may decode a batch's results in place, item {@code batch.start() + i}
   * at index {@code batch.start() + i}, after it has {@link Batch#claim claimed} the batch; or null
   * (the default) when the job wants each batch's results in an array of their own.
   */
  public Object[] resultSlots() {
    return null;
  }

  /**
   * Receives the outcome of every item of one batch, exactly once per batch: {@code values[at + i]}
   * is the value for item {@code batch.start() + i}, or a {@link Failure}; {@code values} may be
   * {@link #resultSlots} itself. Called on a backend thread; must not block.
   */
  abstract void onBatch(Batch batch, Object[] values, int at);
}
