package io.procpool.internal.worker;

import io.procpool.SerializableRunnable;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;

/**
 * An initializer that came from elsewhere (a cluster driver) as bytes, decoded and run in the
 * worker JVM: the relaying side (a cluster agent) never decodes the user's initializer itself.
 * Immutable.
 */
public final class ForwardedInitializer implements SerializableRunnable {
  private static final long serialVersionUID = 1L;
  private final byte[] bytes;

  /** @param bytes the initializer, JDK-serialized by {@link WireCodec#encodeObject} */
  public ForwardedInitializer(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  @Override
  public void run() throws Exception {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    WireCodec codec = new WireCodec(cl != null ? cl : getClass().getClassLoader(), SerialFilters.defaultFilter());
    ((SerializableRunnable) codec.decodeObject(bytes)).run();
  }
}
