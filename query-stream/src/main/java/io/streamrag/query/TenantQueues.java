package io.streamrag.query;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests waiting for an LLM slot, one FIFO queue per tenant, served round-robin: when slots are scarce a tenant
 * with a thousand queued questions does not starve one with a single question. With fairness off, one FIFO.
 */
final class TenantQueues {

    private final boolean fair;
    private final Map<String, ArrayDeque<Pending>> queues = new LinkedHashMap<>();
    private int size;

    TenantQueues(boolean fair) {
        this.fair = fair;
    }

    void add(Pending pending) {
        queues.computeIfAbsent(fair ? pending.request().getTenant() : "", t -> new ArrayDeque<>()).addLast(pending);
        size++;
    }

    /** The next request in round-robin order, or null when nothing waits. */
    Pending next() {
        Iterator<Map.Entry<String, ArrayDeque<Pending>>> it = queues.entrySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        Map.Entry<String, ArrayDeque<Pending>> head = it.next();
        Pending pending = head.getValue().pollFirst();
        it.remove();
        if (!head.getValue().isEmpty()) {
            queues.put(head.getKey(), head.getValue());   // re-inserted last: the tenant waits its turn
        }
        size--;
        return pending;
    }

    boolean remove(Pending pending) {
        String key = fair ? pending.request().getTenant() : "";
        ArrayDeque<Pending> queue = queues.get(key);
        if (queue == null || !queue.remove(pending)) {
            return false;
        }
        if (queue.isEmpty()) {
            queues.remove(key);
        }
        size--;
        return true;
    }

    int size() {
        return size;
    }
}
