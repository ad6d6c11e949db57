package io.procpool.testing;

import io.procpool.ProcessPool;
import java.util.List;
import java.util.stream.Collectors;

/** A program that starts a pool and then either waits forever ("hold") or returns without closing it ("return"). */
public final class ParentMain {
  private ParentMain() {}

  public static void main(String[] args) throws Exception {
    ProcessPool pool = ProcessPool.create(2);
    System.out.println("result " + pool.map(Tasks::square, List.of(1, 2, 3)));
    System.out.println("pids " + pool.workerPids().stream().map(String::valueOf).collect(Collectors.joining(",")));
    System.out.flush();
    if (args[0].equals("hold")) {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
