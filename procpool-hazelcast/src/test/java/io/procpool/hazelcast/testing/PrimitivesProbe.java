package io.procpool.hazelcast.testing;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.collection.IQueue;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.io.Serializable;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: the measurement behind the cluster's task flow (docs/architecture.md). A member in a
 * second JVM is not needed to compare the primitives: both paths cross the same loopback TCP
 * connection between a client and a member. Prints the round-trip p50/p99 of one request and the
 * rate of pipelined requests through (a) {@code IExecutorService.submitToMember} and (b) a request
 * {@code IQueue} polled by a member thread that answers on a response {@code IQueue}. Run: {@code
 * java -cp <test class path> io.procpool.hazelcast.testing.PrimitivesProbe}.
 */
public final class PrimitivesProbe {
  private PrimitivesProbe() {}

  /** A request that carries 64 bytes and returns them. */
  static final class Echo implements Callable<byte[]>, Serializable {
    private static final long serialVersionUID = 1L;
    final byte[] b = new byte[64];

    @Override
    public byte[] call() {
      return b;
    }
  }

  public static void main(String[] args) throws Exception {
    Config c = new Config();
    c.setClusterName("probe");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "none");
    c.getNetworkConfig().setPort(5799).getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastInstance member = Hazelcast.newHazelcastInstance(c);
    ClientConfig cc = new ClientConfig();
    cc.setClusterName("probe");
    cc.setProperty("hazelcast.logging.type", "none");
    cc.getNetworkConfig().addAddress("127.0.0.1:5799");
    HazelcastInstance client = HazelcastClient.newHazelcastClient(cc);
    try {
      Member target = client.getCluster().getMembers().iterator().next();
      IExecutorService ex = client.getExecutorService("probe");
      IQueue<byte[]> req = client.getQueue("req");
      IQueue<byte[]> resp = client.getQueue("resp");
      IQueue<byte[]> memberReq = member.getQueue("req");
      IQueue<byte[]> memberResp = member.getQueue("resp");
      Thread answering = new Thread(() -> {
        try {
          while (true) {
            memberResp.offer(memberReq.take());
          }
        } catch (InterruptedException e) {
          // done
        }
      }, "probe-answer");
      answering.setDaemon(true);
      answering.start();
      for (int round = 0; round < 3; round++) {
        long[] e = new long[3000];
        long[] q = new long[3000];
        for (int i = 0; i < e.length; i++) {
          long t0 = System.nanoTime();
          ex.submitToMember(new Echo(), target).get();
          e[i] = System.nanoTime() - t0;
          t0 = System.nanoTime();
          req.offer(new byte[64]);
          resp.take();
          q[i] = System.nanoTime() - t0;
        }
        int n = 20_000;
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
          ex.submitToMember(new Echo(), target, new com.hazelcast.core.ExecutionCallback<byte[]>() {
            @Override
            public void onResponse(byte[] r) {
              done.countDown();
            }

            @Override
            public void onFailure(Throwable t) {
              done.countDown();
            }
          });
        }
        done.await(120, TimeUnit.SECONDS);
        double exRate = n / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          req.offer(new byte[64]);
        }
        for (int i = 0; i < n; i++) {
          resp.take();
        }
        double qRate = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("round %d: executor p50 %d us p99 %d us, %.0f/s pipelined | queues p50 %d us p99 %d us, %.0f/s pipelined%n",
            round, pct(e, 50), pct(e, 99), exRate, pct(q, 50), pct(q, 99), qRate);
      }
    } finally {
      client.shutdown();
      member.shutdown();
    }
  }

  private static long pct(long[] ns, int p) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, s.length * p / 100)] / 1000;
  }
}
