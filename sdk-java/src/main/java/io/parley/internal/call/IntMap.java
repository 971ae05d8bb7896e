package io.parley.internal.call;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small thread-safe map from request ids to calls: open addressing with linear probing over
 * primitive keys, under one uncontended lock. It replaces a {@code ConcurrentHashMap<Integer, V>},
 * which allocates a node and boxes the id on every call of a round trip.
 *
 * @param <V> the value type
 */
final class IntMap<V> {
    private static final int FREE = 0;
    private final ReentrantLock lock = new ReentrantLock();
    private int[] keys = new int[64];
    private Object[] values = new Object[64];
    private int size;

    /** Id 0 is never a request id, so 0 marks a free slot. */
    private static int index(int key, int mask) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
        lock.lock();
        try {
            int mask = keys.length - 1;
            for (int i = index(key, mask);; i = (i + 1) & mask) {
                int k = keys[i];
                if (k == key) {
                    return (V) values[i];
                }
                if (k == FREE) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    boolean containsKey(int key) {
        return get(key) != null;
    }

    void put(int key, V value) {
        if (key == FREE) {
            throw new IllegalArgumentException("id 0");
        }
        lock.lock();
        try {
            if (2 * (size + 1) > keys.length) {
                rehash(keys.length * 2);
            }
            int mask = keys.length - 1;
            for (int i = index(key, mask);; i = (i + 1) & mask) {
                int k = keys[i];
                if (k == key) {
                    values[i] = value;
                    return;
                }
                if (k == FREE) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code key} if it maps to {@code value}; returns whether it did. */
    boolean remove(int key, V value) {
        lock.lock();
        try {
            int mask = keys.length - 1;
            for (int i = index(key, mask);; i = (i + 1) & mask) {
                int k = keys[i];
                if (k == FREE) {
                    return false;
                }
                if (k == key) {
                    if (values[i] != value) {
                        return false;
                    }
                    deleteAt(i, mask);
                    if (--size == 0 && keys.length > 1024) {
                        keys = new int[64]; // shrink back after a burst
                        values = new Object[64];
                    }
                    return true;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Backward-shift deletion: keeps every probe sequence unbroken without tombstones. */
    private void deleteAt(int i, int mask) {
        int gap = i;
        for (int j = (i + 1) & mask;; j = (j + 1) & mask) {
            int k = keys[j];
            if (k == FREE) {
                break;
            }
            int home = index(k, mask);
            // move k into the gap when its home is not cyclically within (gap, j]
            boolean movable = gap <= j ? home <= gap || home > j : home <= gap && home > j;
            if (movable) {
                keys[gap] = k;
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = FREE;
        values[gap] = null;
    }

    private void rehash(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[capacity];
        values = new Object[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            int k = oldKeys[i];
            if (k != FREE) {
                int j = index(k, mask);
                while (keys[j] != FREE) {
                    j = (j + 1) & mask;
                }
                keys[j] = k;
                values[j] = oldValues[i];
            }
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** A snapshot of the values. */
    @SuppressWarnings("unchecked")
    List<V> values() {
        lock.lock();
        try {
            List<V> out = new ArrayList<>(size);
            for (Object v : values) {
                if (v != null) {
                    out.add((V) v);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }
}
