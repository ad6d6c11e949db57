package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.Failure;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Protocol#BLOBS}: large byte arrays spliced into a frame are announced, read by the other
 * side into arrays of their own, and decoded to exactly what was sent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlobFramesTest {
  private final WireCodec codec = new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter());
  @TempDir Path dir;
  private SocketChannel a;
  private SocketChannel b;
  private FrameChannel writer;
  private FrameChannel reader;

  @BeforeEach
  void connect() throws IOException {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      a = SocketChannel.open(address);
      b = server.accept();
    }
    writer = new FrameChannel(a);
    reader = new FrameChannel(b);
  }

  @AfterEach
  void close() {
    writer.close();
    reader.close();
  }

  private static byte[] filled(int n, int v) {
    byte[] x = new byte[n];
    Arrays.fill(x, (byte) v);
    return x;
  }

  /** Writes on another thread: a frame may exceed what the socket buffers. */
  private static CompletableFuture<Void> async(IoAction write) {
    return CompletableFuture.runAsync(() -> {
      try {
        write.run();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Writes on another thread, returns the frame read. */
  private FrameChannel.Frame roundTrip(IoAction write, boolean transientRead) throws Exception {
    CompletableFuture<Void> sent = async(write);
    FrameChannel.Frame f = transientRead ? reader.readTransient() : reader.read();
    sent.get(20, TimeUnit.SECONDS);
    return f;
  }

  /** Sends {@code wire} as it is, then expects the reader to refuse it naming {@code complaint}. */
  private void assertRefused(ByteBuffer wire, String complaint) throws Exception {
    async(() -> writer.writeRaw(wire)).get(20, TimeUnit.SECONDS);
    assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining(complaint);
  }

  interface IoAction {
    void run() throws IOException;
  }

  @Test
  void aResultFrameWithLargeArraysIsReadIntoArraysOfTheirOwn() throws Exception {
    byte[] big = filled(Buf.SPLICE_MIN + 3, 7);
    byte[] bigger = filled(3 * Buf.SPLICE_MIN, -2);
    // a JDK-serialized value too: its section follows the tagged one, whose length counts the large arrays
    Object[] values = {1L, big, "between", new byte[] {1, 2, 3}, List.of(bigger, 2), 3.5, java.math.BigInteger.TEN.pow(30)};
    Buf body = Buf.splicing(64);
    body.writeLong(42);
    codec.writeValues(body, values, (i, e) -> new Failure(e));
    assertThat(body.splices()).isEqualTo(2);

    for (boolean transientRead : new boolean[] {false, true}) {
      FrameChannel.Frame f = roundTrip(() -> writer.write(Protocol.RESULT, body), transientRead);
      assertThat(f.type).isEqualTo(Protocol.RESULT);
      assertThat(f.len).as("the message's own array holds no large array").isLessThan(400);
      In in = f.reader();
      assertThat(in.readLong()).isEqualTo(42);
      Object[] back = codec.readValues(in);
      assertThat(back[0]).isEqualTo(1L);
      assertThat((byte[]) back[1]).isEqualTo(big).isNotSameAs(big);
      assertThat(back[2]).isEqualTo("between");
      assertThat((byte[]) back[3]).containsExactly(1, 2, 3);
      assertThat((byte[]) ((List<?>) back[4]).get(0)).isEqualTo(bigger);
      assertThat(((List<?>) back[4]).get(1)).isEqualTo(2);
      assertThat(back[5]).isEqualTo(3.5);
      assertThat(back[6]).isEqualTo(java.math.BigInteger.TEN.pow(30));
    }
  }

  @Test
  void batchFramesBuiltTogetherEachAnnounceTheirOwnArrays() throws Exception {
    // as the pool's writer builds them: several frames in one buffer, a table inserted before each
    // frame that spliced arrays in, none before one that did not
    byte[] x = filled(Buf.SPLICE_MIN, 1);
    byte[] y = filled(2 * Buf.SPLICE_MIN + 1, 2);
    byte[] z = filled(Buf.SPLICE_MIN + 7, 3);
    Object[][] frames = {{x, "a", y}, {"no large array", 5L}, {List.of("b", z), x}};
    Buf out = Buf.splicing(64);
    for (Object[] values : frames) {
      int mark = out.size();
      long contentMark = out.contentSize();
      int firstSplice = out.splices();
      out.writeInt(0).writeByte(Protocol.BATCH);
      codec.writeValues(out, values, (i, e) -> new Failure(e));
      out.putInt(mark, (int) (out.contentSize() - contentMark - 4));
      WorkerWriter.announceBlobs(out, mark, firstSplice);
    }
    CompletableFuture<Void> sent = async(() -> writer.writeFrames(out));
    for (Object[] values : frames) {
      FrameChannel.Frame f = reader.read();
      assertThat(f.type).isEqualTo(Protocol.BATCH);
      Object[] back = codec.readValues(f.reader());
      assertThat(back).hasSameSizeAs(values);
      for (int i = 0; i < values.length; i++) {
        if (values[i] instanceof byte[]) {
          assertThat((byte[]) back[i]).isEqualTo((byte[]) values[i]);
        } else if (values[i] instanceof List) {
          assertThat((byte[]) ((List<?>) back[i]).get(1)).isEqualTo(z);
        } else {
          assertThat(back[i]).isEqualTo(values[i]);
        }
      }
    }
    sent.get(20, TimeUnit.SECONDS);
  }

  @Test
  void aCorruptTableIsRefused() throws Exception {
    // two entries that overlap, for a 10-byte frame
    ByteBuffer wire = ByteBuffer.allocate(64);
    wire.putInt(1 + 4 + 16).put(Protocol.BLOBS).putInt(2).putInt(0).putInt(6).putInt(4).putInt(2);
    wire.putInt(11).put(Protocol.RESULT).put(new byte[10]).flip();
    assertRefused(wire, "blob table entry 1");
  }

  @Test
  void aTableBeyondItsFrameIsRefused() throws Exception {
    ByteBuffer wire = ByteBuffer.allocate(64);
    wire.putInt(1 + 4 + 8).put(Protocol.BLOBS).putInt(1).putInt(8).putInt(5);
    wire.putInt(11).put(Protocol.RESULT).put(new byte[10]).flip();
    assertRefused(wire, "blob table entry 0");
  }
}
