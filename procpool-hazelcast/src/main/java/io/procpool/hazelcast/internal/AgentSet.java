package io.procpool.hazelcast.internal;

import com.hazelcast.cluster.Member;
import io.procpool.internal.Batch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agents a driver knows and the batches each holds: decides which agent takes the next batch
 * (the one with the most free workers: pull scheduling, never round robin) and hands back the
 * batches of an agent that is gone. Thread-safe: one lock guards every {@link AgentLink}; callers
 * do their I/O after it is released.
 */
final class AgentSet {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<UUID, AgentLink> links = new LinkedHashMap<>();
  private int nextIndex;
  private boolean stopped;

  /** The link of {@code m}, made if new; null if it is known to be gone. */
  AgentLink add(Member m) {
    lock.lock();
    try {
      AgentLink l = links.get(m.getUuid());
      if (l == null) {
        l = new AgentLink(m, ++nextIndex);
        links.put(m.getUuid(), l);
      }
      return l.gone ? null : l;
    } finally {
      lock.unlock();
    }
  }

  /** Records that {@code l}'s session is open: it takes batches from now on. */
  void ready(AgentLink l, int processes, String address, long pid) {
    lock.lock();
    try {
      if (!l.gone) {
        l.processes = processes;
        l.address = address;
        l.pid = pid;
        l.ready = true;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Picks the agent for {@code b} and records it there: the ready agent with the most free
   * places ({@code perWorker} batches per worker, see {@link JobSpeed}), waiting while every agent
   * is full. Returns null if no agent is ready for {@code
   * timeoutNanos} (agents that are only busy are waited for without limit), or once stopped.
   */
  AgentLink reserve(Batch b, Map<Integer, Throwable> localFailures, int perWorker, long timeoutNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long left = timeoutNanos;
      while (!stopped) {
        AgentLink best = null;
        int bestFree = 0;
        boolean anyReady = false;
        for (AgentLink l : links.values()) {
          if (l.ready && !l.gone) {
            anyReady = true;
            int free = l.processes * perWorker - l.inflight.size();
            if (free > bestFree) {
              best = l;
              bestFree = free;
            }
          }
        }
        if (best != null) {
          best.inflight.put(b.id(), new AgentLink.Sent(b, localFailures, System.nanoTime()));
          return best;
        }
        if (anyReady) {
          changed.await();
          left = timeoutNanos;
        } else {
          if (left <= 0) {
            return null;
          }
          left = changed.awaitNanos(left);
        }
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Records {@code b} on {@code l} too if it has room (to send it in the same call); returns whether it did. */
  boolean tryReserve(AgentLink l, Batch b, Map<Integer, Throwable> localFailures, int perWorker) {
    lock.lock();
    try {
      if (stopped || l.gone || l.inflight.size() >= l.processes * perWorker) {
        return false;
      }
      l.inflight.put(b.id(), new AgentLink.Sent(b, localFailures, System.nanoTime()));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes batch {@code id} from {@code l}'s record; returns it, or null if it was handed back already. */
  AgentLink.Sent answered(AgentLink l, long id) {
    lock.lock();
    try {
      AgentLink.Sent s = l.inflight.remove(id);
      changed.signalAll();
      return s;
    } finally {
      lock.unlock();
    }
  }

  /** Marks the agent of {@code uuid} gone and returns the batches it held (each returned once). */
  List<AgentLink.Sent> gone(UUID uuid) {
    lock.lock();
    try {
      AgentLink l = links.get(uuid);
      if (l == null || l.gone) {
        return List.of();
      }
      l.gone = true;
      List<AgentLink.Sent> held = new ArrayList<>(l.inflight.values());
      l.inflight.clear();
      changed.signalAll();
      return held;
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code l}'s agent has left. */
  boolean isGone(AgentLink l) {
    lock.lock();
    try {
      return l.gone;
    } finally {
      lock.unlock();
    }
  }

  /** The link of {@code uuid}, or null. */
  AgentLink get(UUID uuid) {
    lock.lock();
    try {
      return links.get(uuid);
    } finally {
      lock.unlock();
    }
  }

  /** The agents that take batches now. */
  List<AgentLink> ready() {
    lock.lock();
    try {
      List<AgentLink> out = new ArrayList<>();
      for (AgentLink l : links.values()) {
        if (l.ready && !l.gone) {
          out.add(l);
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Workers of the ready agents, together. */
  int processes() {
    int n = 0;
    for (AgentLink l : ready()) {
      n += l.processes;
    }
    return n;
  }

  /**
   * Waits until at least {@code n} agents are ready, or (if {@code workers > 0}) agents with that
   * many workers together; returns whether they are.
   */
  boolean awaitReady(int n, int workers, long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (ready().size() < n && (workers <= 0 || processes() < workers)) {
        if (left <= 0 || stopped) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter for good. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
