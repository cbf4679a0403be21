package io.tunetrail.api.billing;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.billing.Meter;
import com.stripe.model.billing.MeterEvent;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.net.RequestOptions;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's calls to Stripe through stripe-java's {@link StripeClient}, each retried with exponential backoff when
 * Stripe could not answer (connection errors, 409, 429, 5xx); other refusals fail at once. A call that still fails
 * throws {@link Failure}, which carries Stripe's status, error type and code, never the API key.
 *
 * <p>stripe-java's own retries are off, so {@code api.stripe.max-attempts} is the whole budget; POSTs carry an
 * idempotency key, the same on every attempt, so a retry after a lost answer creates nothing twice.
 */
public final class StripeApi {
    private static final Logger LOG = LoggerFactory.getLogger(StripeApi.class);
    private static final long PAGE = 100;

    /** A Stripe call that failed after its attempts; {@code status} is null when Stripe was not reached. */
    public static final class Failure extends RuntimeException {
        private final Integer status;
        private final String stripeCode;
        private final int attempts;

        Failure(String message, Integer status, String stripeCode, int attempts, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.stripeCode = stripeCode;
            this.attempts = attempts;
        }

        public Integer status() {
            return status;
        }

        public String stripeCode() {
            return stripeCode;
        }

        public int attempts() {
            return attempts;
        }

        /** Whether Stripe was unreachable or failed itself, rather than refusing the request. */
        public boolean unreachable() {
            return status == null || status >= 500;
        }

        /** What is kept of the failure in {@code billing_meter_reports.stripe_answer}. */
        public Map<String, Object> answer() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", getMessage());
            out.put("http_status", status);
            out.put("code", stripeCode);
            return out;
        }
    }

    /** One call to Stripe; attempts repeat it. */
    @FunctionalInterface
    public interface Call<T> {
        T run(StripeClient client) throws StripeException;
    }

    /** Waits between attempts (tests may count the waits instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final StripeSettings settings;
    private final StripeClient client;
    private final Sleeper sleeper;

    public StripeApi(StripeSettings settings) {
        this(settings, Thread::sleep);
    }

    StripeApi(StripeSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        this.client = settings.configured()
                ? StripeClient.builder().setApiKey(settings.apiKey()).setApiBase(settings.apiBase()).setMaxNetworkRetries(0)
                        .setConnectTimeout(timeout).setReadTimeout(timeout).build()
                : null;
    }

    public StripeSettings settings() {
        return settings;
    }

    public boolean configured() {
        return client != null;
    }

    /** Reports {@code value} units to the meter {@code eventName} for a customer; Stripe ignores a repeated identifier. */
    public Attempted<MeterEvent> meterEvent(String eventName, String customerId, long value, String identifier, Instant timestamp) {
        MeterEventCreateParams params = MeterEventCreateParams.builder().setEventName(eventName).setIdentifier(identifier)
                .setTimestamp(timestamp.getEpochSecond()).putPayload("stripe_customer_id", customerId)
                .putPayload("value", Long.toString(value)).build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey(identifier).build();
        return call("meter event " + identifier, c -> c.billing().meterEvents().create(params, options));
    }

    /** Every meter of the account by its event name. */
    public Map<String, Meter> metersByEventName() {
        Map<String, Meter> out = new LinkedHashMap<>();
        String after = null;
        while (true) {
            MeterListParams.Builder b = MeterListParams.builder().setLimit(PAGE);
            if (after != null) {
                b.setStartingAfter(after);
            }
            MeterListParams params = b.build();
            StripeCollection<Meter> page = call("listing meters", c -> c.billing().meters().list(params)).value();
            for (Meter m : page.getData()) {
                out.put(m.getEventName(), m);
                after = m.getId();
            }
            if (!Boolean.TRUE.equals(page.getHasMore()) || page.getData().isEmpty()) {
                return out;
            }
        }
    }

    /** A meter's daily sums for a customer between two UTC midnights. */
    public List<MeterEventSummary> dailySummaries(String meterId, String customerId, Instant start, Instant end) {
        List<MeterEventSummary> out = new ArrayList<>();
        String after = null;
        while (true) {
            MeterEventSummaryListParams.Builder b = MeterEventSummaryListParams.builder().setCustomer(customerId)
                    .setStartTime(start.getEpochSecond()).setEndTime(end.getEpochSecond())
                    .setValueGroupingWindow(MeterEventSummaryListParams.ValueGroupingWindow.DAY).setLimit(PAGE);
            if (after != null) {
                b.setStartingAfter(after);
            }
            MeterEventSummaryListParams params = b.build();
            StripeCollection<MeterEventSummary> page = call("meter event summaries of " + meterId,
                    c -> c.billing().meters().eventSummaries().list(meterId, params)).value();
            for (MeterEventSummary s : page.getData()) {
                out.add(s);
                after = s.getId();
            }
            if (!Boolean.TRUE.equals(page.getHasMore()) || page.getData().isEmpty()) {
                return out;
            }
        }
    }

    /** A call's result and how many attempts it took. */
    public record Attempted<T>(T value, int attempts) {}

    /** Runs {@code call} with the retries described above; {@code what} names it in logs and errors. */
    public <T> Attempted<T> call(String what, Call<T> call) {
        if (client == null) {
            throw new IllegalStateException("Stripe is not configured: set api.stripe.api-key (env TUNETRAIL_API_STRIPE_API_KEY)");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return new Attempted<>(call.run(client), attempt);
            } catch (StripeException e) {
                // stripe-java reports a connection failure with status 0: not an answer of Stripe's.
                Integer status = e instanceof ApiConnectionException ? null : e.getStatusCode();
                boolean retriable = status == null || retriable(status);
                String message = "Stripe " + what + " failed" + (status == null ? " (not reached)" : " (HTTP " + status + ")")
                        + ": " + e.getClass().getSimpleName() + (e.getCode() == null ? "" : " " + e.getCode());
                if (!retriable || attempt >= settings.maxAttempts()) {
                    throw new Failure(message + " after " + attempt + " attempt(s)", status, e.getCode(), attempt, e);
                }
                long wait = settings.retryBase().toMillis() << Math.min(attempt - 1, 16);
                LOG.info("{}; attempt {} of {} in {} ms", message, attempt + 1, settings.maxAttempts(), wait);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new Failure(message + "; interrupted while waiting to retry", status, e.getCode(), attempt, e);
                }
            }
        }
    }

    private static boolean retriable(Integer status) {
        return status != null && (status == 409 || status == 429 || status >= 500);
    }
}
