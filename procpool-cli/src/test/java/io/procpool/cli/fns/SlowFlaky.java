package io.procpool.cli.fns;

/** {@link Flaky} where every ok line takes 3 ms, so that a run of a few thousand lines lasts seconds. */
public class SlowFlaky extends Flaky {
  private static final long serialVersionUID = 1L;

  @Override
  protected void pause() throws InterruptedException {
    Thread.sleep(3);
  }
}
