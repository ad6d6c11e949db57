package io.procpool.hazelcast.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks messages with HMAC-SHA256 under the cluster's shared secret: every task, result
 * and jar that crosses the cluster carries a signature, and a receiver checks it before it reads
 * anything else of the message (Hazelcast's open-source edition authenticates nobody). Transport-
 * free. Thread-safe: one {@link Mac} per thread.
 */
public final class Signer {
  /** Length of a signature in bytes. */
  public static final int LENGTH = 32;
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /**
   * @param secret the shared secret, at least 16 bytes
   * @throws IllegalArgumentException if the secret is shorter
   */
  public Signer(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the cluster secret has " + secret.length
          + " bytes; use at least 16 (for example: head -c 32 /dev/urandom | base64 > secret)");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
    }
  }

  /** The signature of the parts, in order (each part's length is signed too, so parts cannot shift). */
  public byte[] sign(byte[]... parts) {
    Mac m = macs.get();
    for (byte[] p : parts) {
      int n = p.length;
      m.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
      m.update(p);
    }
    return m.doFinal();
  }

  /** Whether {@code signature} is the signature of the parts (in constant time). */
  public boolean verify(byte[] signature, byte[]... parts) {
    return signature != null && signature.length == LENGTH && MessageDigest.isEqual(signature, sign(parts));
  }
}
