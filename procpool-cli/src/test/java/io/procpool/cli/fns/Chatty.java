package io.procpool.cli.fns;

import io.procpool.SerializableFunction;

/** Prints to its worker's stdout and returns the line upper-cased: worker output must not reach the results. */
public class Chatty implements SerializableFunction<String, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String apply(String line) {
    System.out.println("chatty saw " + line);
    return line.toUpperCase(java.util.Locale.ROOT);
  }
}
