package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testing.Tasks;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's socket is private, and a connection without the pool's token is dropped. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityTest {

  /** The pool's socket directory, read from a worker's command line ({@code unix:<dir>/s}). */
  private static Path socketDir(ProcessPool pool) throws IOException {
    long pid = pool.workerPids().get(0);
    String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    for (String arg : cmdline.split("\0")) {
      if (arg.startsWith("unix:")) {
        return Path.of(arg.substring(5)).getParent();
      }
    }
    throw new AssertionError("no unix socket address in " + cmdline);
  }

  @Test
  void socketDirectoryIsPrivateAndAStrangerIsDropped() throws Exception {
    Path dir;
    try (ProcessPool pool = ProcessPool.create(1)) {
      dir = socketDir(pool);
      assertThat(Files.getPosixFilePermissions(dir))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

      try (SocketChannel stranger = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        stranger.connect(UnixDomainSocketAddress.of(dir.resolve("s")));
        byte[] token = "not-the-token".getBytes(StandardCharsets.UTF_8);
        ByteBuffer hello = ByteBuffer.allocate(4 + 1 + 4 + token.length + 4 + 8);
        hello.putInt(1 + 4 + token.length + 4 + 8).put((byte) 10).putInt(token.length).put(token).putInt(1).putLong(1);
        hello.flip();
        while (hello.hasRemaining()) {
          stranger.write(hello);
        }
        ByteBuffer reply = ByteBuffer.allocate(16);
        assertThat(stranger.read(reply)).as("the pool closes the connection instead of answering").isEqualTo(-1);
      }
      assertThat(pool.apply(Tasks::square, 7)).isEqualTo(49);
    }
    assertThat(dir).as("the socket directory is removed on close").doesNotExist();
  }

  @Test
  void deserializationRejectsKnownGadgetClasses() {
    java.io.ObjectInputFilter filter = io.procpool.internal.wire.SerialFilters.defaultFilter();
    assertThat(io.procpool.internal.wire.SerialFilters.rejects(filter, javax.management.BadAttributeValueExpException.class)).isTrue();
    assertThat(io.procpool.internal.wire.SerialFilters.rejects(filter, java.util.ArrayList.class)).isFalse();
  }

  @Test
  void aGadgetReturnedByATaskIsRejectedInTheCaller() {
    try (ProcessPool pool = ProcessPool.create(1)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> pool.apply(() -> new javax.management.BadAttributeValueExpException("gadget")))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(java.io.InvalidClassException.class)
          .hasMessageContaining("REJECTED");
    }
  }

  @Test
  void theBuildersAllowListRefusesOtherClassesInTheWorkersAndTheCaller() {
    String allow = "java.base/*;io.procpool.*;io.procpool.internal.**;!*";
    try (ProcessPool pool = ProcessPool.builder().processes(1).serialFilter(allow).build()) {
      assertThat(pool.map(x -> x * 2, java.util.List.of(1, 2))).containsExactly(2, 4);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.map(x -> "seen", java.util.List.<Object>of(new io.procpool.testing.Outsider())))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(java.io.InvalidClassException.class)
          .hasMessageContaining("REJECTED");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.apply(io.procpool.testing.Outsider::new))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(java.io.InvalidClassException.class)
          .hasMessageContaining("REJECTED");
      assertThat(pool.map(x -> x * 2, java.util.List.of(3))).containsExactly(6);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessPool.builder().serialFilter("maxdepth=oops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serialFilter")
        .hasMessageContaining("maxdepth=oops");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ThreadPool.builder().serialFilter(null))
        .isInstanceOf(NullPointerException.class);
  }
}
