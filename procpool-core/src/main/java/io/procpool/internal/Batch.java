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
  /** The items: {@code items[from .. from + size)}, a slice of the job's input shared by reference (never written). */
  private final Object[] items;
  private final int from;
  private final int size;
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
    Batch s = new Batch(-1, null, 0, new Object[0], 0, 0, null);
    s.prevOutstanding = s;
    s.nextOutstanding = s;
    return s;
  }

  Batch(long id, Job job, int start, Object[] items, int from, int size, Dispatcher dispatcher) {
    this.id = id;
    this.job = job;
    this.start = start;
    this.items = items;
    this.from = from;
    this.size = size;
    this.dispatcher = dispatcher;
    this.tasks = job == null ? size : job.tasks(start, size);
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
    return size;
  }

  /** Item {@code i} of this batch ({@code 0 <= i < size()}). */
  public Object item(int i) {
    return items[from + i];
  }

  /**
   * The array holding this batch's items at {@link #itemsFrom()} onwards, {@link #size()} of them:
   * the job's input itself, not a copy. Read it, never write it.
   */
  public Object[] itemsArray() {
    return items;
  }

  /** Where this batch's items start in {@link #itemsArray()}. */
  public int itemsFrom() {
    return from;
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
   * Delivers the outcome of every item ({@code results[i]} for item {@code i}); returns false (and
   * does nothing) if the batch was already completed.
   */
  public boolean complete(Object[] results) {
    if (!claim()) {
      return false;
    }
    deliver(results, 0);
    return true;
  }

  /** Fails every item of the batch with {@code cause}; false if it was already completed. */
  public boolean fail(Throwable cause) {
    if (!claim()) {
      return false;
    }
    failClaimed(cause);
    return true;
  }

  /**
   * Takes the right to complete this batch: true for the one caller that gets it, who must then
   * call {@link #deliver} or {@link #failClaimed} exactly once. Lets a backend decode results
   * straight into {@link Job#resultSlots} without racing a second copy of the batch (stealing).
   */
  public boolean claim() {
    return COMPLETED.compareAndSet(this, 0, 1);
  }

  /**
   * Completes a {@link #claim claimed} batch: {@code values[at + i]} is item {@code i}'s result or
   * {@link Failure}. {@code values} may be the job's own {@link Job#resultSlots} with {@code at ==
   * start()}, already filled.
   */
  public void deliver(Object[] values, int at) {
    try {
      dispatcher.observe(this, values, at);
      job.onBatch(this, values, at);
    } finally {
      dispatcher.completed(this);
    }
  }

  /** Fails every item of a {@link #claim claimed} batch with {@code cause}. */
  public void failClaimed(Throwable cause) {
    Object[] results = new Object[size];
    Arrays.fill(results, new Failure(cause));
    deliver(results, 0);
  }

  @Override
  public String toString() {
    return "Batch[id=" + id + ", job=" + job.id() + ", items " + start + ".." + (start + size - 1) + "]";
  }
}
