package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's Java code compiling: every {@code ```java} block of the README must be a
 * verbatim excerpt of this module's sources (compared line by line, ignoring indentation, blank
 * lines and Javadoc). A line {@code // ...} in a block separates excerpts that need not be adjacent.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "main", "java", "io", "procpool", "examples");

  @Test
  void everyJavaSnippetOfTheReadmeIsCodeOfTheExamplesModule() throws IOException {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(8);

    List<List<String>> sources = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.add(normalize(Files.readString(f)));
      }
    }
    for (String block : blocks) {
      for (String excerpt : block.split("(?m)^\\s*// \\.\\.\\.\\s*$")) {
        List<String> lines = normalize(excerpt);
        if (lines.isEmpty()) {
          continue;
        }
        assertThat(sources.stream().anyMatch(src -> contains(src, lines)))
            .as("README excerpt found verbatim in %s:%n%s", SOURCES, String.join("\n", lines))
            .isTrue();
      }
    }
  }

  /** The code lines, stripped, without blank lines and Javadoc. */
  private static List<String> normalize(String text) {
    List<String> out = new ArrayList<>();
    boolean javadoc = false;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("/**")) {
        javadoc = !line.endsWith("*/");
        continue;
      }
      if (javadoc) {
        javadoc = !line.endsWith("*/");
        continue;
      }
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    return out;
  }

  private static boolean contains(List<String> source, List<String> excerpt) {
    return java.util.Collections.indexOfSubList(source, excerpt) >= 0;
  }
}
