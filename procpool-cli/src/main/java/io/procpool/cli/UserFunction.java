package io.procpool.cli;

import io.procpool.SerializableFunction;
import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's function class, found and checked in the command's own JVM before any worker starts:
 * it must exist on {@code --classpath}/{@code --jar} (or the command's class path), implement
 * {@code io.procpool.SerializableFunction<String, ?>}, be a concrete public class, and have a public
 * no-arg constructor that does not throw. Every problem is a {@link UsageException} with one line
 * that says what to fix.
 *
 * @param className the class's fully qualified name
 * @param classpath the user's class path entries joined with the platform separator ("" if none)
 * @param loader the class loader that found it (closed by {@link #close()})
 */
public record UserFunction(String className, String classpath, URLClassLoader loader) implements AutoCloseable {

  /**
   * Finds and checks the class.
   *
   * @param className the fully qualified class name
   * @param classpath the value of {@code --classpath}, may be null
   * @param jar the value of {@code --jar}, may be null
   * @return the checked function class
   * @throws UsageException if the class cannot be used
   */
  public static UserFunction load(String className, String classpath, Path jar) {
    List<String> entries = new ArrayList<>();
    if (classpath != null) {
      for (String e : classpath.split(File.pathSeparator)) {
        if (!e.isBlank()) {
          entries.add(e);
        }
      }
    }
    if (jar != null) {
      if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
        throw new UsageException("cannot read the jar " + jar);
      }
      entries.add(jar.toString());
    }
    List<URL> urls = new ArrayList<>();
    for (String e : entries) {
      Path p = Path.of(e).toAbsolutePath();
      if (!Files.exists(p)) {
        throw new UsageException("class path entry not found: " + e);
      }
      try {
        urls.add(p.toUri().toURL());
      } catch (MalformedURLException ex) {
        throw new UsageException("bad class path entry: " + e, ex);
      }
    }
    List<String> absolute = urls.stream().map(u -> Path.of(java.net.URI.create(u.toString())).toString()).toList();
    URLClassLoader loader = new URLClassLoader("procpool-user", urls.toArray(URL[]::new), UserFunction.class.getClassLoader());
    try {
      check(className, loader);
    } catch (RuntimeException e) {
      closeQuietly(loader);
      throw e;
    }
    return new UserFunction(className, String.join(File.pathSeparator, absolute), loader);
  }

  private static void check(String className, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new UsageException("class " + className + " not found (check --classpath or --jar)");
    } catch (LinkageError e) {
      throw new UsageException("class " + className + " cannot be loaded: " + e);
    }
    if (!SerializableFunction.class.isAssignableFrom(type)) {
      throw new UsageException(
          "class " + className + " does not implement io.procpool.SerializableFunction<String, ?>");
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new UsageException("class " + className + " is abstract; give a concrete class");
    }
    if (!Modifier.isPublic(type.getModifiers())) {
      throw new UsageException("class " + className + " is not public");
    }
    Type input = inputType(type);
    if (input instanceof Class<?> c && !c.isAssignableFrom(String.class)) {
      throw new UsageException("class " + className + " takes " + c.getName()
          + ", but procpool run passes each line as a String: implement SerializableFunction<String, ?>");
    }
    Constructor<?> ctor;
    try {
      ctor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new UsageException("class " + className + " has no public no-arg constructor");
    }
    try {
      ctor.newInstance();
    } catch (InvocationTargetException e) {
      throw new UsageException("the constructor of " + className + " threw " + e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new UsageException("class " + className + " cannot be instantiated: " + e);
    }
  }

  /** The {@code T} of {@code SerializableFunction<T, ?>} as the class declares it, or null if not declared. */
  private static Type inputType(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType pt && pt.getRawType() == SerializableFunction.class) {
          return pt.getActualTypeArguments()[0];
        }
      }
    }
    return null;
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (java.io.IOException e) {
      // nothing to do
    }
  }

  /** Closes the class loader. */
  @Override
  public void close() {
    closeQuietly(loader);
  }
}
