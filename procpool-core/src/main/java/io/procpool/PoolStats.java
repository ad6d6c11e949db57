package io.procpool;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of a pool's counters, taken by {@link Pool#stats()} at any time, also while it runs
 * (mpire's "insights"). Immutable.
 */
public final class PoolStats {
  private final long tasksCompleted;
  private final long tasksFailed;
  private final long tasksRetried;
  private final long workersStarted;
  private final long workersCrashed;
  private final long workersRecycled;
  private final long tasksTimedOut;
  private final List<WorkerStats> workers;
  private final List<SlowTask> slowestTasks;

  /**
   * Creates a snapshot; used by the pool.
   *
   * @param tasksCompleted items that ended successfully
   * @param tasksFailed items that ended with a failure
   * @param tasksRetried runs given again to tasks whose worker crashed or timed out
   * @param tasksTimedOut tasks stopped by the task timeout
   * @param workersStarted workers started, replacements included
   * @param workersCrashed workers that died unexpectedly
   * @param workersRecycled workers that left on purpose (maxTasksPerChild, memory limit, out of memory)
   * @param workers the live workers
   * @param slowestTasks the slowest tasks seen, slowest first
   */
  public PoolStats(
      long tasksCompleted,
      long tasksFailed,
      long tasksRetried,
      long tasksTimedOut,
      long workersStarted,
      long workersCrashed,
      long workersRecycled,
      List<WorkerStats> workers,
      List<SlowTask> slowestTasks) {
    this.tasksCompleted = tasksCompleted;
    this.tasksFailed = tasksFailed;
    this.tasksRetried = tasksRetried;
    this.tasksTimedOut = tasksTimedOut;
    this.workersStarted = workersStarted;
    this.workersCrashed = workersCrashed;
    this.workersRecycled = workersRecycled;
    this.workers = List.copyOf(workers);
    this.slowestTasks = List.copyOf(slowestTasks);
  }

  /** @return items that ended successfully */
  public long tasksCompleted() {
    return tasksCompleted;
  }

  /** @return items that ended with a failure */
  public long tasksFailed() {
    return tasksFailed;
  }

  /** @return extra runs given to tasks whose worker crashed or timed out ({@code retries}) */
  public long tasksRetried() {
    return tasksRetried;
  }

  /** @return tasks stopped by the task timeout */
  public long tasksTimedOut() {
    return tasksTimedOut;
  }

  /** @return workers started, replacements included (for a thread pool: threads) */
  public long workersStarted() {
    return workersStarted;
  }

  /** @return workers that died unexpectedly (exit, signal, timeout kill) */
  public long workersCrashed() {
    return workersCrashed;
  }

  /** @return workers that left on purpose and were replaced (maxTasksPerChild, memory) */
  public long workersRecycled() {
    return workersRecycled;
  }

  /** @return the live workers */
  public List<WorkerStats> workers() {
    return workers;
  }

  /** @return the slowest tasks seen so far (at most 10), slowest first */
  public List<SlowTask> slowestTasks() {
    return slowestTasks;
  }

  @Override
  public String toString() {
    return "PoolStats[completed=" + tasksCompleted + ", failed=" + tasksFailed + ", retried=" + tasksRetried
        + ", timedOut=" + tasksTimedOut + ", workersStarted=" + workersStarted + ", crashed=" + workersCrashed
        + ", recycled=" + workersRecycled + ", workers=" + workers + ", slowest=" + slowestTasks + "]";
  }

  /** One live worker's figures. Immutable. */
  public static final class WorkerStats {
    private final int id;
    private final long pid;
    private final boolean busy;
    private final long tasksDone;
    private final Duration startup;
    private final Duration busyTime;
    private final Duration idleTime;
    private final String agent;

    /**
     * Creates the figures; used by the pool.
     *
     * @param id worker id
     * @param pid process id (for a thread pool: the pool's own pid)
     * @param busy whether it runs a task now
     * @param tasksDone items it has run
     * @param startup from launch until ready to take work
     * @param busyTime time spent running tasks
     * @param idleTime time ready but without work
     */
    public WorkerStats(int id, long pid, boolean busy, long tasksDone, Duration startup, Duration busyTime, Duration idleTime) {
      this(id, pid, busy, tasksDone, startup, busyTime, idleTime, null);
    }

    /**
     * Creates the figures of a worker of a cluster agent; used by the pool.
     *
     * @param id worker id, unique within the pool
     * @param pid process id on the agent's machine
     * @param busy whether it runs a task now
     * @param tasksDone items it has run
     * @param startup from launch until ready to take work
     * @param busyTime time spent running tasks
     * @param idleTime time ready but without work
     * @param agent the agent's address ({@code host:port}), or null on one machine
     */
    public WorkerStats(int id, long pid, boolean busy, long tasksDone, Duration startup, Duration busyTime, Duration idleTime,
        String agent) {
      this.agent = agent;
      this.id = id;
      this.pid = pid;
      this.busy = busy;
      this.tasksDone = tasksDone;
      this.startup = startup;
      this.busyTime = busyTime;
      this.idleTime = idleTime;
    }

    /** @return the worker's id within the pool */
    public int id() {
      return id;
    }

    /** @return the worker's process id */
    public long pid() {
      return pid;
    }

    /** @return whether it is running a task now */
    public boolean busy() {
      return busy;
    }

    /** @return how many items it has run */
    public long tasksDone() {
      return tasksDone;
    }

    /** @return the time from launch until it was ready for work */
    public Duration startup() {
      return startup;
    }

    /** @return the time it spent running tasks */
    public Duration busyTime() {
      return busyTime;
    }

    /** @return the time it was up without work */
    public Duration idleTime() {
      return idleTime;
    }

    /** @return the address of the cluster agent the worker runs on, or null on one machine */
    public String agent() {
      return agent;
    }

    @Override
    public String toString() {
      return "worker-" + id + "[" + (agent == null ? "" : "agent=" + agent + ", ") + "pid=" + pid + (busy ? ", busy" : ", idle") + ", tasks=" + tasksDone
          + ", startup=" + startup.toMillis() + "ms, busy=" + busyTime.toMillis() + "ms, idle=" + idleTime.toMillis() + "ms]";
    }
  }

  /** One of the slowest tasks. Immutable. */
  public static final class SlowTask {
    private final long callId;
    private final String operation;
    private final int index;
    private final Duration duration;
    private final int workerId;

    /**
     * Creates the record; used by the pool.
     *
     * @param callId the call's id
     * @param operation the pool method
     * @param index the item's index in the call's input
     * @param duration how long it ran
     * @param workerId the worker that ran it
     */
    public SlowTask(long callId, String operation, int index, Duration duration, int workerId) {
      this.callId = callId;
      this.operation = operation;
      this.index = index;
      this.duration = duration;
      this.workerId = workerId;
    }

    /** @return the call's id */
    public long callId() {
      return callId;
    }

    /** @return the pool method of the call */
    public String operation() {
      return operation;
    }

    /** @return the item's index in the call's input */
    public int index() {
      return index;
    }

    /** @return how long the task ran */
    public Duration duration() {
      return duration;
    }

    /** @return the worker that ran it */
    public int workerId() {
      return workerId;
    }

    @Override
    public String toString() {
      return operation + "#" + callId + "[" + index + "] " + duration.toMillis() + "ms on worker-" + workerId;
    }
  }
}
