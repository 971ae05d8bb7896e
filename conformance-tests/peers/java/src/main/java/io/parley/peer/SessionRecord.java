package io.parley.peer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the conformance service remembers about one session (PEER-CONTRACT: counters and notes
 * are per session): the notifications it received, and how many requests it answered with
 * CANCELLED and DEADLINE_EXCEEDED.
 */
public final class SessionRecord {
    private final Map<String, List<JsonNode>> notes = new ConcurrentHashMap<>();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong deadlineExceeded = new AtomicLong();

    void noteReceived(String method, JsonNode params) {
        JsonNode value = params == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : params;
        List<JsonNode> list = notes.computeIfAbsent(method, m -> new ArrayList<>());
        synchronized (list) {
            list.add(value);
        }
    }

    /** The params of every notification {@code method} received so far, in arrival order. */
    public List<JsonNode> notes(String method) {
        List<JsonNode> list = notes.get(method);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    void countCancelled() {
        cancelled.incrementAndGet();
    }

    void countDeadlineExceeded() {
        deadlineExceeded.incrementAndGet();
    }

    public long cancelled() {
        return cancelled.get();
    }

    public long deadlineExceeded() {
        return deadlineExceeded.get();
    }
}
