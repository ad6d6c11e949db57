package io.procpool.cli.fns;

import io.procpool.SerializableFunction;

/** Classes that procpool run must refuse, each with one clear line. */
public final class BadClasses {
  private BadClasses() {}

  /** Does not implement SerializableFunction. */
  public static class NotAFunction {
    /** @return nothing useful */
    public String apply(String s) {
      return s;
    }
  }

  /** No public no-arg constructor. */
  public static class NoDefaultConstructor implements SerializableFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private final String prefix;

    /** @param prefix a prefix */
    public NoDefaultConstructor(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public String apply(String s) {
      return prefix + s;
    }
  }

  /** Takes Integers, not lines. */
  public static class IntegerInput implements SerializableFunction<Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer apply(Integer x) {
      return x;
    }
  }

  /** Its constructor throws. */
  public static class ThrowingConstructor implements SerializableFunction<String, String> {
    private static final long serialVersionUID = 1L;

    /** Always throws. */
    public ThrowingConstructor() {
      throw new IllegalStateException("no config file");
    }

    @Override
    public String apply(String s) {
      return s;
    }
  }

  /** Abstract. */
  public abstract static class Abstract implements SerializableFunction<String, String> {
    private static final long serialVersionUID = 1L;
  }
}
