package io.procpool.examples;

import io.procpool.Pool;
import io.procpool.hazelcast.ClusterPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The README's "Across machines": the same code as on one machine ({@link PoolApiTour}'s methods,
 * which take any {@link Pool}, and the seed's squares), run on the agents of a cluster. Only the
 * line that builds the pool differs. Run with {@code procpool agent}s started first:
 *
 * <pre>
 * mvn -q -pl procpool-examples -am compile exec:java -Dexec.mainClass=io.procpool.examples.ClusterExample \
 *     -Dexec.args="127.0.0.1:5701,127.0.0.1:5702 /path/to/secret"
 * </pre>
 */
public final class ClusterExample {
  private ClusterExample() {}

  /**
   * Runs the examples on a cluster pool and returns what {@link #main} prints, one line each.
   *
   * @param members the agents' addresses, {@code host:port}
   * @param secretFile the cluster's secret
   * @param clusterName the cluster's name
   * @return the lines
   * @throws Exception if an example fails
   */
  public static List<String> run(List<String> members, Path secretFile, String clusterName) throws Exception {
    List<String> out = new ArrayList<>();
    try (Pool pool = ClusterPool.builder()
        .members(members.toArray(new String[0]))   // any agents; the pool learns the others
        .secretFile(secretFile)                    // the agents' --secret-file
        .retries(1)                                // run the chunks of a lost agent again
        .clusterName(clusterName)
        .build()) {
      out.add("agents:               " + ((ClusterPool) pool).agents());
      out.add("squares of 0..999:    sum " + pool.map(SeedSquareExample::square, IntStream.range(0, 1000).boxed().toList())
          .stream().mapToLong(Integer::longValue).sum());
      out.add("map, chunksize 3:     " + PoolApiTour.mapWithChunksize(pool));
      out.add("imap:                 " + PoolApiTour.imap(pool));
      out.add("imap_unordered:       " + PoolApiTour.imapUnordered(pool));
      out.add("starmap:              " + PoolApiTour.starmap(pool));
      out.add("apply:                " + PoolApiTour.apply(pool));
      out.add("apply_async + cbs:    " + PoolApiTour.applyAsyncWithCallbacks(pool));
      out.add("map_async + callback: " + PoolApiTour.mapAsyncWithCallback(pool));
      out.add("map with a failure:   " + PoolApiTour.mapFailure(pool));
      out.add("workers:              " + pool.stats().workers());
    }
    return out;
  }

  /**
   * Runs the examples against the agents given.
   *
   * @param args {@code host:port[,host:port...] secretFile [clusterName]}
   * @throws Exception if an example fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ClusterExample host:port[,host:port...] secretFile [clusterName]");
      System.exit(2);
    }
    for (String line : run(List.of(args[0].split(",")), Path.of(args[1]), args.length > 2 ? args[2] : "procpool")) {
      System.out.println(line);
    }
  }
}
