package io.procpool.cli.fns;

import io.procpool.SerializableFunction;

/** Squares the number on the line. */
public class Square implements SerializableFunction<String, Long> {
  private static final long serialVersionUID = 1L;

  @Override
  public Long apply(String line) {
    long n = Long.parseLong(line.trim());
    return n * n;
  }
}
