package io.procpool.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A cross-process barrier for S1: a loopback server socket that accepts {@code parties}
 * connections (each sends one byte to say it has arrived), then answers every one of them, so all
 * waiting parties go on together. Later arrivals are answered at once. With a release timeout it
 * also lets the waiting parties go when not all arrived in time (and says so). Created before the
 * clock starts; closed after.
 */
final class LoopbackBarrier implements AutoCloseable {
  private final ServerSocket server;
  private final Thread thread;
  private final int parties;
  private final int releaseTimeoutMillis;
  private volatile boolean released;
  private volatile boolean timedOut;

  LoopbackBarrier(int parties, int releaseTimeoutMillis) throws IOException {
    this.parties = parties;
    this.releaseTimeoutMillis = releaseTimeoutMillis;
    this.server = new ServerSocket(0, parties * 2 + 8, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::run, "bench-barrier");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Whether all parties arrived and were released. */
  boolean released() {
    return released;
  }

  /** Whether the release timeout let the waiting parties go before all had arrived. */
  boolean timedOut() {
    return timedOut;
  }

  private void run() {
    List<Socket> arrived = new ArrayList<>(parties);
    try {
      long deadline = releaseTimeoutMillis > 0 ? System.nanoTime() + releaseTimeoutMillis * 1_000_000L : Long.MAX_VALUE;
      while (arrived.size() < parties) {
        if (releaseTimeoutMillis > 0) {
          long left = (deadline - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            timedOut = true;
            break;
          }
          server.setSoTimeout((int) Math.max(1, left));
        }
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException e) {
          timedOut = true;
          break;
        }
        s.setTcpNoDelay(true);
        if (s.getInputStream().read() < 0) {
          s.close();
          continue;
        }
        arrived.add(s);
      }
      released = !timedOut;
      answerAll(arrived);
      arrived.clear();
      server.setSoTimeout(0);
      while (!server.isClosed()) { // late arrivals go on at once
        Socket s = server.accept();
        s.getInputStream().read();
        answerAll(List.of(s));
      }
    } catch (IOException e) {
      // closed
    } finally {
      for (Socket s : arrived) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
  }

  private static void answerAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try (s) {
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
      } catch (IOException ignored) {
        // the party is gone
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
