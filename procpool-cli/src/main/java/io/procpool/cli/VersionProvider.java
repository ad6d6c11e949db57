package io.procpool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the Maven project version from {@code io/procpool/cli/version.properties}, filled in at build time. */
public final class VersionProvider implements IVersionProvider {

  /** Creates the provider; picocli calls this. */
  public VersionProvider() {}

  /**
   * Returns the version of this build, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}.
   *
   * @return the version string
   */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "procpool " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
