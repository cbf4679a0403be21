package io.tunetrail.api.webhook;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts of this instance's webhook work since start, for the metrics endpoint to export. */
public final class WebhookCounters {
    private final Map<DeliveryOutcome, LongAdder> outcomes = new EnumMap<>(DeliveryOutcome.class);
    private final LongAdder circuitsOpened = new LongAdder();
    private final LongAdder urlsRefused = new LongAdder();

    public WebhookCounters() {
        for (DeliveryOutcome o : DeliveryOutcome.values()) {
            outcomes.put(o, new LongAdder());
        }
    }

    void attempted(DeliveryOutcome outcome) {
        outcomes.get(outcome).increment();
    }

    void circuitOpened() {
        circuitsOpened.increment();
    }

    public void urlRefused() {
        urlsRefused.increment();
    }

    /** Delivery attempts by outcome code ({@code delivered}, {@code timeout}, {@code http_5xx}, ...), every outcome listed. */
    public Map<String, Long> attemptsByOutcome() {
        Map<String, Long> out = new LinkedHashMap<>();
        outcomes.forEach((o, n) -> out.put(o.code(), n.sum()));
        return out;
    }

    /** Times an endpoint's circuit opened (or re-opened after a failed trial). */
    public long circuitsOpened() {
        return circuitsOpened.sum();
    }

    /** Webhook URLs refused at registration. */
    public long urlsRefused() {
        return urlsRefused.sum();
    }
}
