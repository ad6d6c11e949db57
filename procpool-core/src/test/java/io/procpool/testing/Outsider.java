package io.procpool.testing;

/** A serializable class outside the allow lists of the security tests ({@code io.procpool.*} names only the API package). */
public final class Outsider implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
}
