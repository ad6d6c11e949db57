package io.procpool.internal;

import io.procpool.SerializableFunction;

/**
 * One call on the pool ({@code map}, {@code imap}, {@code apply}, ...): a function and the batches
 * of items it runs over. Backends call {@link Batch#complete} and never touch a job's results.
 */
public abstract class Job {
  private final long id;
  private final SerializableFunction<Object, Object> fn;
  private volatile boolean abandoned;
  /** Backend-specific prepared form of the function (the process backend's encoded bytes). */
  private volatile Object prepared;

  protected Job(long id, SerializableFunction<Object, Object> fn) {
    this.id = id;
    this.fn = fn;
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
   * Receives the outcome of every item of one batch, exactly once per batch: {@code results[i]} is
   * the value for item {@code batch.start() + i}, or a {@link Failure}. Called on a backend thread;
   * must not block.
   */
  abstract void onBatch(Batch batch, Object[] results);
}
