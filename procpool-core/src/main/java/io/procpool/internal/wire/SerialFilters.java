package io.procpool.internal.wire;

import java.io.ObjectInputFilter;

/**
 * The deserialization filter (JEP 290) applied to everything the pool and its workers read: a
 * deny list of well-known gadget classes and a depth limit. Override the whole pattern with the
 * pool's {@code serialFilter(String)} setting (the pool passes it to its workers), or by default
 * with the system property {@code procpool.serialFilter}. See docs/security.md.
 */
public final class SerialFilters {
  /** The default pattern, in {@link ObjectInputFilter.Config#createFilter} syntax. */
  public static final String DEFAULT_PATTERN =
      "maxdepth=2000;"
          + "!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*;"
          + "!org.codehaus.groovy.runtime.*;!com.sun.org.apache.xalan.internal.xsltc.trax.*;"
          + "!org.apache.xalan.xsltc.trax.*;!com.sun.rowset.JdbcRowSetImpl;"
          + "!javax.management.BadAttributeValueExpException;!bsh.*;!clojure.core.*;"
          + "!org.springframework.beans.factory.ObjectFactory;!com.mchange.v2.c3p0.*";

  private SerialFilters() {}

  /** The filter in effect: {@code -Dprocpool.serialFilter=...} if set, else {@link #DEFAULT_PATTERN}. */
  public static ObjectInputFilter defaultFilter() {
    String custom = System.getProperty("procpool.serialFilter");
    return ObjectInputFilter.Config.createFilter(custom != null ? custom : DEFAULT_PATTERN);
  }

  /**
   * The filter of a pool: {@code pattern} (a pool's {@code serialFilter} setting) if not null,
   * else {@link #defaultFilter()}.
   *
   * @throws IllegalArgumentException if {@code pattern} is not a valid pattern
   */
  public static ObjectInputFilter of(String pattern) {
    if (pattern == null) {
      return defaultFilter();
    }
    try {
      return ObjectInputFilter.Config.createFilter(pattern);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("serialFilter: '" + pattern + "' is not a valid filter pattern ("
          + e.getMessage() + "); see java.io.ObjectInputFilter.Config.createFilter", e);
    }
  }

  /** Whether {@code filter} rejects instances of {@code type}. */
  public static boolean rejects(ObjectInputFilter filter, Class<?> type) {
    ObjectInputFilter.FilterInfo info =
        new ObjectInputFilter.FilterInfo() {
          @Override
          public Class<?> serialClass() {
            return type;
          }

          @Override
          public long arrayLength() {
            return -1;
          }

          @Override
          public long depth() {
            return 1;
          }

          @Override
          public long references() {
            return 1;
          }

          @Override
          public long streamBytes() {
            return 100;
          }
        };
    return filter.checkInput(info) == ObjectInputFilter.Status.REJECTED;
  }
}
