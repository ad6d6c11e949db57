package io.procpool.internal;

import java.util.Arrays;

/**
 * A chunk of consecutive items of one job: the unit a worker takes. Completed exactly once, by
 * whichever comes first: its results, its worker's death, the pool's termination.
 */
public final class Batch {
  private final long id;
  private final Job job;
  private final int start;
  private final Object[] items;
  private final Dispatcher dispatcher;
  /** How many tasks the items stand for (see {@link #tasks}). */
  private final int tasks;
  /** 0 until completed, then 1 (a field, not an AtomicBoolean: one allocation less per batch). */
  private volatile int completed;

  private static final java.lang.invoke.VarHandle COMPLETED;

  static {
    try {
      COMPLETED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Batch.class, "completed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private int requeues;
  private int retries;
  /** Links of the dispatcher's outstanding list (guarded by the dispatcher's lock; null when not in it). */
  Batch prevOutstanding;
  Batch nextOutstanding;

  /** The head of a dispatcher's outstanding list: links to itself. */
  static Batch sentinel() {
    Batch s = new Batch(-1, null, 0, new Object[0], null);
    s.prevOutstanding = s;
    s.nextOutstanding = s;
    return s;
  }

  Batch(long id, Job job, int start, Object[] items, Dispatcher dispatcher) {
    this.id = id;
    this.job = job;
    this.start = start;
    this.items = items;
    this.dispatcher = dispatcher;
    this.tasks = job == null ? items.length : job.tasks(start, items.length);
  }

  public long id() {
    return id;
  }

  public Job job() {
    return job;
  }

  /** The index, in the job's input, of this batch's first item. */
  public int start() {
    return start;
  }

  public int size() {
    return items.length;
  }

  public Object[] items() {
    return items;
  }

  /**
   * How many of the user's tasks this batch runs, for {@code maxTasksPerChild}: its size, or, for a
   * relayed batch (each item a cluster driver's batch), the tasks those items hold.
   */
  public int tasks() {
    return tasks;
  }

  public boolean isCompleted() {
    return completed != 0;
  }

  /** Counts one more time this batch was put back in the queue; returns the new count. */
  public synchronized int requeued() {
    return ++requeues;
  }

  /** Counts one more run of this batch after its worker crashed or timed out; returns the new count. */
  public synchronized int retried() {
    return ++retries;
  }

  /**
   * Delivers the outcome of every item; returns false (and does nothing) if the batch was already
   * completed.
   */
  public boolean complete(Object[] results) {
    if (!COMPLETED.compareAndSet(this, 0, 1)) {
      return false;
    }
    try {
      dispatcher.observe(this, results);
      job.onBatch(this, results);
    } finally {
      dispatcher.completed(this);
    }
    return true;
  }

  /** Fails every item of the batch with {@code cause}; false if it was already completed. */
  public boolean fail(Throwable cause) {
    Object[] results = new Object[items.length];
    Arrays.fill(results, new Failure(cause));
    return complete(results);
  }

  @Override
  public String toString() {
    return "Batch[id=" + id + ", job=" + job.id() + ", items " + start + ".." + (start + items.length - 1) + "]";
  }
}
