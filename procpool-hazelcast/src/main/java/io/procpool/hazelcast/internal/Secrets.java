package io.procpool.hazelcast.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a cluster secret from a file. Stateless. */
public final class Secrets {
  private Secrets() {}

  /**
   * The secret in {@code file}: its bytes without a trailing line break (so that {@code echo ... >
   * file} and an editor's final newline give the same secret).
   *
   * @throws UncheckedIOException naming the file if it cannot be read
   * @throws IllegalArgumentException if it holds fewer than 16 bytes
   */
  public static byte[] read(Path file) {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster secret from " + file + ": " + e, e);
    }
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    byte[] secret = java.util.Arrays.copyOf(b, n);
    if (secret.length < 16) {
      throw new IllegalArgumentException("the cluster secret in " + file + " has " + secret.length
          + " bytes; use at least 16 (for example: head -c 32 /dev/urandom | base64 > " + file + ")");
    }
    return secret;
  }

  /**
   * A copy of {@code secret}, checked.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it has fewer than 16 bytes
   */
  public static byte[] checked(byte[] secret) {
    io.procpool.internal.Require.notNull(secret, "secret");
    io.procpool.internal.Require.argument(secret.length >= 16,
        "the cluster secret must have at least 16 bytes, it has " + secret.length);
    return secret.clone();
  }

  /**
   * {@code name}, checked as a cluster name.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is empty
   */
  public static String clusterName(String name) {
    io.procpool.internal.Require.notNull(name, "clusterName");
    io.procpool.internal.Require.argument(!name.isEmpty(), "clusterName must not be empty");
    return name;
  }

  /** {@code text}'s UTF-8 bytes, checked like {@link #read}. */
  public static byte[] of(String text) {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    new Signer(s); // checks the length
    return s;
  }
}
