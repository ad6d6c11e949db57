package io.procpool.internal;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * The list a {@code map} returns: it takes the job's result array as it is, so that a map of a
 * million items does not copy a million references once more at the end. It behaves as an {@link
 * ArrayList} would: {@code get} and {@code set} work on the array; the first change of size ({@code
 * add}, {@code remove}, {@code clear}, ...) moves the elements into an {@code ArrayList} of its own,
 * which then does everything. Serializes as an {@code ArrayList}. Not thread-safe, like {@code
 * ArrayList}.
 */
final class ResultList extends AbstractList<Object> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;

  /** The results while the size has not changed; null after. */
  private Object[] array;
  /** The elements once the size has changed; null before. */
  private ArrayList<Object> grown;

  ResultList(Object[] array) {
    this.array = array;
  }

  private ArrayList<Object> grown() {
    if (grown == null) {
      grown = new ArrayList<>(Arrays.asList(array));
      array = null;
    }
    return grown;
  }

  @Override
  public Object get(int index) {
    if (grown != null) {
      return grown.get(index);
    }
    java.util.Objects.checkIndex(index, array.length);
    return array[index];
  }

  @Override
  public Object set(int index, Object element) {
    if (grown != null) {
      return grown.set(index, element);
    }
    java.util.Objects.checkIndex(index, array.length);
    Object old = array[index];
    array[index] = element;
    return old;
  }

  @Override
  public int size() {
    return grown != null ? grown.size() : array.length;
  }

  @Override
  public void add(int index, Object element) {
    grown().add(index, element);
    modCount++;
  }

  @Override
  public boolean addAll(int index, Collection<?> c) {
    modCount++;
    return grown().addAll(index, c);
  }

  @Override
  public Object remove(int index) {
    modCount++;
    return grown().remove(index);
  }

  @Override
  protected void removeRange(int fromIndex, int toIndex) {
    modCount++;
    grown().subList(fromIndex, toIndex).clear();
  }

  @Override
  public Object[] toArray() {
    return grown != null ? grown.toArray() : array.clone();
  }

  @Override
  public void sort(java.util.Comparator<? super Object> c) {
    if (grown != null) {
      grown.sort(c);
    } else {
      Arrays.sort(array, c);
    }
    modCount++;
  }

  /** Serialized as a plain {@code ArrayList}: the reader needs no procpool class. */
  private Object writeReplace() throws ObjectStreamException {
    return new ArrayList<>(this);
  }

}
