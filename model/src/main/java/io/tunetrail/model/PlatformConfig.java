package io.tunetrail.model;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The platform's configuration: every key declared once, here, with its default and what it means.
 *
 * <p>Values come in layers, later ones winning: the defaults below, then a properties file
 * ({@code $TUNETRAIL_CONFIG}, else {@code <home>/tunetrail.properties} when it exists), then environment variables
 * ({@code TUNETRAIL_} + the key upper-cased with dots and dashes as underscores: {@code kafka.bootstrap.servers} is
 * {@code TUNETRAIL_KAFKA_BOOTSTRAP_SERVERS}), then explicit overrides (command-line flags, tests). The defaults are the
 * local stack's loopback ports, chosen away from the usual ones so a system PostgreSQL or Redis is never touched.
 * {@code config/tunetrail.sample.properties} lists every key; a test keeps it in step with this class.
 */
public final class PlatformConfig {

    /** One configuration key. */
    public record Key(String name, String defaultValue, String description) {
        /** The environment variable that sets this key. */
        public String envVar() {
            return "TUNETRAIL_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }

        /** How messages name the key: {@code redis.port (env TUNETRAIL_REDIS_PORT)}. */
        public String describe() {
            return name + " (env " + envVar() + ")";
        }
    }

    private static final List<Key> KEYS = new ArrayList<>();

    /** The environment variable naming a properties file to read instead of {@code <home>/tunetrail.properties}. */
    public static final String CONFIG_FILE_ENV = "TUNETRAIL_CONFIG";

    public static final Key HOME = key("home", ".tunetrail",
            "Directory for the local stack's data, logs and pid files, and the default offline store.");
    public static final Key KAFKA_BOOTSTRAP = key("kafka.bootstrap.servers", "127.0.0.1:19092",
            "Kafka bootstrap servers. The local stack's broker listens here.");
    public static final Key KAFKA_CONTROLLER_PORT = key("kafka.controller.port", "19093",
            "Local stack only: the KRaft controller port of the embedded broker.");
    public static final Key KAFKA_PARTITIONS = key("kafka.topic.partitions", "4",
            "Partitions of the topics the platform creates.");
    public static final Key TOPIC_INTERACTIONS = key("kafka.topic.interactions", "interactions",
            "Topic of listening events (schemas/interaction.schema.json).");
    public static final Key TOPIC_USAGE = key("kafka.topic.usage", "usage",
            "Topic of metered API usage (schemas/usage.schema.json).");
    public static final Key TOPIC_DEAD_LETTER = key("kafka.topic.dead-letter", "dead-letter",
            "Topic of refused records: original bytes plus reason headers (schemas/dead-letter.md).");
    public static final Key TOPIC_USAGE_HOURLY = key("kafka.topic.usage-hourly", "usage-hourly",
            "Result topic of the usage-counters job: units per org, API key and resource per UTC hour (landed in Delta).");
    public static final Key TOPIC_USAGE_DAILY = key("kafka.topic.usage-daily", "usage-daily",
            "Result topic of the usage-counters job: units per org, API key and resource per UTC day (landed in Delta).");
    public static final Key TOPIC_SESSIONS = key("kafka.topic.sessions", "sessions",
            "Result topic of the session-features job: one record per closed listening session (landed in Delta).");
    /** Every topic key: the event topics, then the streaming jobs' result topics. */
    public static final List<Key> TOPICS = List.of(TOPIC_INTERACTIONS, TOPIC_USAGE, TOPIC_DEAD_LETTER, TOPIC_USAGE_HOURLY,
            TOPIC_USAGE_DAILY, TOPIC_SESSIONS);
    public static final Key POSTGRES_HOST = key("postgres.host", "127.0.0.1", "PostgreSQL host.");
    public static final Key POSTGRES_PORT = key("postgres.port", "15432", "PostgreSQL port; the local stack's private cluster listens here.");
    public static final Key POSTGRES_DATABASE = key("postgres.database", "tunetrail", "PostgreSQL database.");
    public static final Key POSTGRES_USER = key("postgres.user", "tunetrail", "PostgreSQL user.");
    public static final Key POSTGRES_PASSWORD = key("postgres.password", "tunetrail",
            "PostgreSQL password. The local stack's cluster only accepts loopback connections.");
    public static final Key REDIS_HOST = key("redis.host", "127.0.0.1", "Redis host (online store, counters).");
    public static final Key REDIS_PORT = key("redis.port", "16379", "Redis port; the local stack's server listens here.");
    public static final Key REDIS_MAXMEMORY = key("redis.maxmemory", "512mb",
            "Memory the local stack's Redis may use (redis.conf maxmemory: bytes, or a number with kb/mb/gb). Past it Redis "
                    + "evicts only keys with a TTL (volatile-lru): feature rows, idempotency marks; never quota, limiter or "
                    + "ledger keys (feature-store/KEYS.md).");
    public static final Key API_PORT = key("api.port", "18080", "Port of the serving API.");
    public static final Key API_HOST = key("api.host", "127.0.0.1",
            "Address the serving API binds; 0.0.0.0 for every interface.");
    public static final Key API_STRIPE_WEBHOOK_SECRET = key("api.stripe.webhook-secret", "",
            "Signing secret (whsec_...) of the Stripe webhook endpoint POST /billing/stripe/webhook; empty refuses webhooks.");
    public static final Key API_MAX_BODY_BYTES = key("api.max-body-bytes", "1048576",
            "Largest request body the API accepts, in bytes; larger ones get 413.");
    public static final Key API_STRIPE_MAX_BODY_BYTES = key("api.stripe.max-body-bytes", "262144",
            "Largest body the Stripe webhook route reads, in bytes; Stripe's events are a few KB, so a bigger body is refused with 413 early.");
    public static final Key API_STRIPE_API_KEY = key("api.stripe.api-key", "",
            "Secret API key (sk_... or rk_...) the platform calls Stripe with: checkout and portal sessions, billing meter events and their reconciliation; empty turns them off (503 billing_not_configured). Never logged.");
    public static final Key API_STRIPE_API_BASE = key("api.stripe.api-base", "https://api.stripe.com",
            "Base address of Stripe's API; tests point it at a local stand-in server on 127.0.0.1.");
    public static final Key API_STRIPE_METERS = key("api.stripe.meters", "api_calls=tunetrail_api_calls,audio_analysis=tunetrail_audio_analysis,model_training=tunetrail_model_training",
            "The Stripe billing meter (its event_name) each usage-ledger resource is reported to: resource=event_name,... A resource without a meter is not reported.");
    public static final Key API_STRIPE_MAX_ATTEMPTS = key("api.stripe.max-attempts", "4",
            "Attempts of one Stripe call before it counts as failed (connection errors, 409, 429 and 5xx are retried; other 4xx are not).");
    public static final Key API_STRIPE_RETRY_BASE_MS = key("api.stripe.retry-base-ms", "500",
            "Wait before the second attempt of a Stripe call (ms); each further attempt waits twice as long.");
    public static final Key API_STRIPE_TIMEOUT_MS = key("api.stripe.timeout-ms", "10000",
            "Connect and read timeout of one Stripe call (ms).");
    public static final Key API_CANARY_MIN_JUDGEMENTS = key("api.canary.min-judgements", "100",
            "Judgements (plays, skips and likes of served items) each arm of a model canary needs by the end of its period for a decision on the figures; with fewer the period is extended once, then the canary is rolled back.");
    public static final Key API_CANARY_DECIDE_INTERVAL_SECONDS = key("api.canary.decide-interval-seconds", "60",
            "How often the API decides the canaries whose period is over and announces newer model versions to pinned orgs (seconds).");
    public static final Key API_METRICS_TOKEN = key("api.metrics.token", "",
            "Bearer token GET /metrics requires (Prometheus text); empty turns /metrics off.");
    public static final Key API_POSTGRES_STATEMENT_TIMEOUT_MS = key("api.postgres.statement-timeout-ms", "5000",
            "PostgreSQL statement_timeout of the API's connections (ms): a longer query is cancelled and answered 503 query_timeout.");
    public static final Key API_KEY_CACHE_MS = key("api.key-cache-ms", "5000",
            "How long the API reuses an API key lookup (ms); revocations on another API instance take at most this long.");
    public static final Key API_KEY_CACHE_MAX_ENTRIES = key("api.key-cache-max-entries", "10000",
            "Most API key lookups the API caches; beyond it the oldest are evicted (memory stays bounded however many keys call).");
    public static final Key API_FAMILIES_MISS_TTL_MS = key("api.families.miss-ttl-ms", "5000",
            "How long the API remembers that the model registry does not know a served version label (ms), so rows written under an unregistered label cost no PostgreSQL query per request; a label registered later shows its family within this bound. 0: ask every time.");
    public static final Key API_WEBHOOK_DISPATCH_MS = key("api.webhook.dispatch-ms", "1000",
            "How often the API sends due webhook deliveries (ms); 0 turns sending off on this instance.");
    public static final Key API_WEBHOOK_ALLOW_HTTP_HOSTS = key("api.webhook.allow-http-hosts", "",
            "Comma-separated hosts whose webhook URLs may use http:// (development receivers); every other URL must be https://.");
    public static final Key API_WEBHOOK_ALLOW_LOOPBACK = key("api.webhook.allow-loopback", "false",
            "Let webhooks reach loopback addresses (127.0.0.0/8, ::1): the local demo and tests only. Private, link-local "
                    + "and other non-public addresses are refused whatever this says.");
    public static final Key API_WEBHOOK_CONNECT_TIMEOUT_MS = key("api.webhook.connect-timeout-ms", "2000",
            "Bound on connecting to a webhook receiver (ms).");
    public static final Key API_WEBHOOK_TIMEOUT_MS = key("api.webhook.timeout-ms", "5000",
            "Bound on the rest of a webhook attempt (TLS handshake, sending, the answer's status line) (ms).");
    public static final Key API_WEBHOOK_WORKERS = key("api.webhook.workers", "4",
            "Webhook deliveries in flight at once on one API instance (one per endpoint at a time).");
    public static final Key API_WEBHOOK_MAX_IN_FLIGHT_PER_ORG = key("api.webhook.max-in-flight-per-org", "2",
            "Webhook deliveries of one org in flight at once on one API instance, so a slow org never holds every worker.");
    public static final Key API_WEBHOOK_BREAKER_FAILURES = key("api.webhook.breaker-failures", "5",
            "Consecutive failed deliveries that open a webhook endpoint's circuit (no deliveries until the cool-down ends).");
    public static final Key API_WEBHOOK_BREAKER_COOLDOWN_MS = key("api.webhook.breaker-cooldown-ms", "60000",
            "How long an open webhook circuit stays open before one trial delivery closes it or opens it again (ms).");
    public static final Key API_WEBHOOK_SECRET_KEYS = key("api.webhook.secret-keys", "",
            "Keys that encrypt webhook signing secrets at rest (AES-256-GCM): <id>:<base64 of 32 bytes>, comma-separated, the "
                    + "first encrypts, all decrypt (rotate by putting a new key first). Empty: a public local-only key, accepted "
                    + "only while api.host is a loopback address; otherwise the API refuses to start.");
    public static final Key API_AUDIO_MAX_UPLOAD_BYTES = key("api.audio.max-upload-bytes", "67108864",
            "Largest audio file POST /api/v1/audio/analyze accepts, in bytes; larger ones get 413.");
    public static final Key API_AUDIO_MAX_SECONDS = key("api.audio.max-seconds", "600",
            "Longest audio the API analyses, in seconds (the seeds' MAX_AUDIO_LENGTH_SECONDS); longer files get 413.");
    public static final Key API_AUDIO_THREADS = key("api.audio.threads", "1",
            "Threads analysing uploaded audio on one API instance (CPU-bound: at most the cores left to request handling).");
    public static final Key API_AUDIO_QUEUE = key("api.audio.queue", "4",
            "Uploads waiting for an analysis thread; when they are all taken the API answers 503 with Retry-After.");
    public static final Key API_AUDIO_SYNC_MS = key("api.audio.sync-ms", "20000",
            "How long POST /api/v1/audio/analyze waits for its analysis (ms); longer ones answer 202 and finish in the background.");
    public static final Key API_AUDIO_STORE_DIR = key("api.audio.store-dir", "",
            "Folder keeping uploaded audio (one sub-folder per org). Empty means <home>/audio.");
    public static final Key AUDIO_STORE = key("audio.store", "local",
            "Where uploaded and registered audio is kept, for the API, ./tunetrail analyze and the nightly job alike: local "
                    + "(the folder api.audio.store-dir) or s3 (the bucket audio.s3.bucket).");
    public static final Key AUDIO_S3_ENDPOINT = key("audio.s3.endpoint", "",
            "S3 endpoint URL (http(s)://host:port) for an S3-compatible server; empty: AWS's endpoint of audio.s3.region.");
    public static final Key AUDIO_S3_BUCKET = key("audio.s3.bucket", "",
            "Bucket keeping the audio (one key prefix per org); required when audio.store=s3.");
    public static final Key AUDIO_S3_REGION = key("audio.s3.region", "us-east-1",
            "Region of the bucket (request signing; S3-compatible servers usually accept us-east-1).");
    public static final Key AUDIO_S3_PATH_STYLE = key("audio.s3.path-style", "false",
            "Address the bucket as http://endpoint/bucket (true: most S3-compatible servers) instead of http://bucket.endpoint.");
    public static final Key AUDIO_S3_ACCESS_KEY = key("audio.s3.access-key", "",
            "Access key id; empty (with audio.s3.secret-key empty): the AWS SDK's default credentials chain (environment, "
                    + "profile, instance role).");
    public static final Key AUDIO_S3_SECRET_KEY = key("audio.s3.secret-key", "",
            "Secret access key going with audio.s3.access-key.");
    public static final Key API_AUDIO_MATRIX_MAX_IDS = key("api.audio.matrix-max-ids", "50",
            "Most track ids GET /api/v1/ml/tracks/similarity-matrix takes (the answer has the square of it); more get 400.");
    public static final Key API_AUDIO_BATCH_MAX_BYTES = key("api.audio.batch-max-bytes", "268435456",
            "Largest request body POST /api/v1/audio/batch-analyze accepts, all files together, in bytes; larger ones get 413 unread.");
    public static final Key API_AUDIO_BATCH_MAX_FILES = key("api.audio.batch-max-files", "100",
            "Most files (or object keys) one batch analysis job takes; more get 400.");
    public static final Key API_AUDIO_BATCH_LEASE_MS = key("api.audio.batch-lease-ms", "120000",
            "How long a claimed file of a batch job stays with the API instance that claimed it (ms) before another may take it.");
    public static final Key API_REDIS_TIMEOUT_MS = key("api.redis.timeout-ms", "500",
            "Connect and read timeout of the API's Redis calls (ms): past it a request answers in degraded mode or 503, never hangs.");
    public static final Key API_DB_CONNECT_TIMEOUT_MS = key("api.db.connect-timeout-ms", "1000",
            "Longest wait of an API request for a PostgreSQL connection (ms, at least 250): past it the request gets 503 database_unavailable.");
    public static final Key API_USAGE_BUFFER_EVENTS = key("api.usage.buffer-events", "100000",
            "Usage events the API holds while Kafka does not acknowledge them; beyond this they are dropped, counted and logged.");
    public static final Key CONSOLE_COOKIE_SECURE = key("console.cookie-secure", "true",
            "Whether the web console's session cookie is marked Secure (sent over HTTPS only). false only to sign in over plain http "
                    + "from another host; browsers accept Secure cookies from http://127.0.0.1 and http://localhost.");
    public static final Key CONSOLE_SESSION_IDLE_MINUTES = key("console.session.idle-minutes", "30",
            "A web console session ends after this many minutes without a request.");
    public static final Key CONSOLE_SESSION_MAX_HOURS = key("console.session.max-hours", "12",
            "A web console session ends this many hours after sign-in, however active.");
    public static final Key CONSOLE_SIGNIN_MAX_FAILURES_PER_ACCOUNT = key("console.signin.max-failures-per-account", "5",
            "Failed web console sign-ins to one e-mail address within the window before that account is refused until the window ends.");
    public static final Key CONSOLE_SIGNIN_MAX_FAILURES_PER_ADDRESS = key("console.signin.max-failures-per-address", "20",
            "Failed web console sign-ins from one client IP address within the window before that address is refused until the window ends.");
    public static final Key CONSOLE_SIGNIN_WINDOW_SECONDS = key("console.signin.window-seconds", "900",
            "The window of the web console's sign-in limits, in seconds, counted from the first failure.");
    public static final Key CONSOLE_PUBLIC_URL = key("console.public-url", "http://127.0.0.1:18080",
            "Address of the API server as members' browsers reach it (scheme, host, port; no path): the one-time links of console "
                    + "invitation and password-reset e-mails start with it.");
    public static final Key CONSOLE_INVITATION_HOURS = key("console.invitation.expiry-hours", "72",
            "A web console invitation's link works for this many hours (once).");
    public static final Key CONSOLE_RESET_MINUTES = key("console.reset.expiry-minutes", "30",
            "A web console password-reset link works for this many minutes (once).");
    public static final Key CONSOLE_TRUSTED_PROXIES = key("console.trusted-proxies", "",
            "Comma-separated IP addresses or CIDR ranges of reverse proxies in front of the API. Only for a connection from one of them "
                    + "does the console take the client address from X-Forwarded-For (the right-most hop that is not a trusted proxy); "
                    + "empty: always the connection's address.");
    public static final Key OFFLINE_STORE = key("offline.store", "",
            "Root of the offline store (Delta tables; layout in schemas/offline-store.yaml): a local folder, or "
                    + "s3a://bucket/prefix on an S3 API (the offline.s3.* keys). Empty means <home>/lake.");
    public static final Key OFFLINE_S3_ENDPOINT = key("offline.s3.endpoint", "",
            "S3 endpoint URL (http(s)://host:port) of an S3-compatible server for an s3a:// offline store; empty: AWS's "
                    + "endpoint of offline.s3.region.");
    public static final Key OFFLINE_S3_REGION = key("offline.s3.region", "us-east-1",
            "Region of the offline store's bucket (request signing; S3-compatible servers usually accept us-east-1).");
    public static final Key OFFLINE_S3_PATH_STYLE = key("offline.s3.path-style", "false",
            "Address the offline store's bucket as http://endpoint/bucket (true: most S3-compatible servers) instead of "
                    + "http://bucket.endpoint.");
    public static final Key OFFLINE_S3_ACCESS_KEY = key("offline.s3.access-key", "",
            "Access key id of an s3a:// offline store; empty (with offline.s3.secret-key empty): Hadoop S3A's default "
                    + "credentials chain (environment, instance role).");
    public static final Key OFFLINE_S3_SECRET_KEY = key("offline.s3.secret-key", "",
            "Secret access key going with offline.s3.access-key (give it as an environment variable, not in a file).");
    public static final Key EMBEDDING_DIMENSION = key("embedding.dimension", "32",
            "Dimension of audio embeddings (the pgvector column is created with it).");
    public static final Key STREAM_PARALLELISM = key("stream.parallelism", "2",
            "Parallelism of the Flink jobs on the local MiniCluster (a cluster's flink run -p overrides it).");
    public static final Key STREAM_CHECKPOINT_INTERVAL_MS = key("stream.checkpoint-interval-ms", "10000",
            "Flink checkpoint interval; results reach the Kafka result topics (exactly once) at each checkpoint.");
    public static final Key STREAM_CHECKPOINT_TIMEOUT_MS = key("stream.checkpoint-timeout-ms", "300000",
            "A Flink checkpoint not complete after this long is abandoned. Must stay below stream.transaction-timeout-ms "
                    + "minus the checkpoint interval and a 60 s margin (checked at job start).");
    public static final Key STREAM_TRANSACTION_TIMEOUT_MS = key("stream.transaction-timeout-ms", "600000",
            "Kafka transaction timeout of the jobs' exactly-once sinks; at most the broker's transaction.max.timeout.ms "
                    + "(15 min by default). A transaction spans a checkpoint, so it must outlive the checkpoint timeout.");
    public static final Key STREAM_ALLOW_NON_RESTORED_STATE = key("stream.allow-non-restored-state", "false",
            "Restore a checkpoint or savepoint even if it holds the state of an operator the job no longer has, dropping "
                    + "that state (Flink's allowNonRestoredState). Only for the first start after an upgrade that replaced an "
                    + "operator, e.g. session-features' session windows (README, Streaming); false otherwise, so that a job "
                    + "whose operator ids changed by mistake fails to start instead of losing state.");
    public static final Key STREAM_METRICS_PORT = key("stream.metrics-port", "0",
            "Port of the streaming JVM's Prometheus endpoint (Flink's PrometheusReporter: job, checkpoint, Kafka source and "
                    + "sink metrics at http://<host>:<port>/metrics) when stream runs its jobs on a MiniCluster; 0: off. On a "
                    + "Flink cluster, configure metrics.reporter.* in the cluster's own configuration instead.");
    public static final Key STREAM_CHECKPOINT_DIR = key("stream.checkpoint-dir", "",
            "Where Flink keeps checkpoints and savepoints: a local folder, s3a://bucket/prefix (Hadoop's S3A with the "
                    + "offline.s3.* settings) or s3://bucket/prefix (a cluster's Flink S3 plugin). Empty means <home>/flink/checkpoints.");
    public static final Key STREAM_OUT_OF_ORDERNESS_SECONDS = key("stream.out-of-orderness-seconds", "10",
            "How far behind the newest event of its partition an event may be and still count as in order.");
    public static final Key STREAM_ALLOWED_LATENESS_SECONDS = key("stream.allowed-lateness-seconds", "300",
            "Lateness allowed beyond the out-of-orderness; later events go to the dead-letter topic as LATE_EVENT.");
    public static final Key STREAM_MAX_FUTURE_SECONDS = key("stream.max-future-seconds", "86400",
            "Events further than this ahead of the wall clock go to the dead-letter topic as FUTURE_EVENT.");
    public static final Key SESSION_GAP_MINUTES = key("session.gap-minutes", "30",
            "A listener's events further apart than this belong to different listening sessions: the streaming "
                    + "session-features job's session windows and the batch analytics' derived sessions use the same rule.");
    public static final Key STREAM_RECENT_TRACKS = key("stream.recent-tracks", "20",
            "How many of a listener's most recent tracks the session-features job keeps online.");
    public static final Key ANALYTICS_GENRE_MIN_PAIR_BASKETS = key("analytics.genre.min-pair-baskets", "5",
            "Genre correlations: a genre pair is kept only when at least this many users (or sessions) heard both.");
    public static final Key ANALYTICS_CONTEXT_MIN_PLAYS = key("analytics.context.min-plays", "30",
            "Context correlations: an activity is compared with the rest only when an org has at least this many plays in it.");
    public static final Key ANALYTICS_CONTEXT_MIN_EFFECT = key("analytics.context.min-effect", "0.2",
            "Context correlations: |Cohen's d| from which an activity/feature pair is a finding (its 95% CI must also exclude 0).");
    public static final Key ANALYTICS_EMBEDDING_GENRE_WEIGHT = key("analytics.embedding.genre-weight", "1.0",
            "Audio embeddings: weight of each genre indicator beside the standardised audio features before the projection.");

    // Nightly batch (batch-training): ALS, similarities, evaluation. A training request's params override these.
    public static final Key ALS_RANK = key("batch.als.rank", "32", "ALS: number of latent factors.");
    public static final Key ALS_ITERATIONS = key("batch.als.iterations", "10", "ALS: alternating iterations.");
    public static final Key ALS_REGULARIZATION = key("batch.als.regularization", "0.1", "ALS: L2 regularisation (lambda).");
    public static final Key ALS_ALPHA = key("batch.als.alpha", "10",
            "ALS: implicit-feedback confidence scale; confidence = 1 + alpha * |preference|.");
    public static final Key ALS_SEED = key("batch.als.seed", "42", "ALS: random seed of the factor initialisation.");
    public static final Key ALS_CONFIDENCE_WEIGHTS = key("batch.als.confidence-weights",
            "play:1,complete:2,like:4,add_to_playlist:3,skip:-1,dislike:-3",
            "ALS: preference weight of each event type (times the event's count), summed per listener and track; "
                    + "a negative sum is a 'does not want' signal. Unlisted types weigh 0.");
    public static final Key ALS_LOG_SCALE = key("batch.als.log-scale", "true",
            "ALS: use sign(s) * ln(1 + |s|) of the summed weights s, so a track played 5,000 times does not drown "
                    + "the rest of a listener's history.");
    public static final Key ALS_TOP_N = key("batch.als.top-n", "50", "ALS: recommendations kept per listener.");
    public static final Key ALS_EXCLUDE_HEARD = key("batch.als.exclude-heard", "true",
            "ALS: leave tracks the listener already interacted with out of their recommendations.");
    public static final Key ALS_MIN_INTERACTIONS = key("batch.als.min-interactions", "1",
            "ALS: listeners with fewer distinct tracks than this are left out of training and get no recommendations.");
    public static final Key ALS_IN_MEMORY_MAX_PREFERENCES = key("batch.als.in-memory-max-preferences", "2000000",
            "ALS: an org with at most this many preferences is solved in memory inside one Spark task (conjugate gradient, "
                    + "BLAS, several threads); a bigger one by MLlib's distributed ALS. 0 sends every org to MLlib.");
    public static final Key ALS_IN_MEMORY_THREADS = key("batch.als.in-memory-threads", "0",
            "ALS: threads of one in-memory fit; 0 for every processor of the executor.");
    public static final Key BEST_OF_TUNE_SECONDS = key("batch.best-of.tune-seconds-per-100k-preferences", "30",
            "Nightly model choice: seconds per org, for every 100,000 of its preferences, to tune the families its plan "
                    + "allows, cheapest first; once spent, the dearer families are skipped (the cheapest always runs).");
    public static final Key BEST_OF_FAMILY = key("batch.best-of.family", "",
            "Nightly model choice: the family every org's lists come from, without a search (set by an enterprise "
                    + "training request's family param); empty: the best of the plan's families on validation nDCG@10.");
    public static final Key BEST_OF_FAMILY_PARAMS = key("batch.best-of.family-params", "",
            "Nightly model choice: hyperparameters of the forced family, name:value pairs (e.g. lambda:500,min_support:2) "
                    + "over its defaults; only with batch.best-of.family.");
    public static final Key BATCH_PARALLEL_TABLES = key("batch.parallel-tables", "4",
            "Nightly analytics jobs: output tables one job computes and writes to Delta at once (their Spark jobs share "
                    + "the executor's cores); 1 writes them one after another.");
    public static final Key TRAINING_LEASE_SECONDS = key("batch.training.lease-seconds", "900",
            "Custom training: how long a worker owns a claimed request without renewing (it renews every third of this while "
                    + "it runs); after that another worker may take the request over.");
    public static final Key WORKER_POLL_MS = key("worker.poll-ms", "2000",
            "Job worker: how long an idle worker waits before looking at the queue again (./tunetrail worker --poll-ms).");
    public static final Key WORKER_HEARTBEAT_MS = key("worker.heartbeat-ms", "10000",
            "Job worker: how often a running job's lease is renewed and its progress recorded; a cancellation is seen at the "
                    + "next one. Must be below batch.training.lease-seconds.");
    public static final Key WORKER_RETRY_BASE_MS = key("worker.retry-base-ms", "30000",
            "Job worker: the wait before retrying a failed job, doubled at each further failure.");
    public static final Key WORKER_RETRY_MAX_MS = key("worker.retry-max-ms", "3600000",
            "Job worker: the longest wait before retrying a failed job.");
    public static final Key RETENTION_KEEP_RETIRED = key("batch.retention.keep-retired", "2",
            "Retention: per org and model, the retired versions whose served rows (analytics tables, Redis) stay for "
                    + "rollback, besides the active and the pinned one; older retired versions keep only their registry "
                    + "row. Applied by the materialise job.");
    public static final Key SIMILARITY_TOP_K = key("batch.similarity.top-k", "20",
            "Track and user similarity: neighbours kept per track or listener.");
    public static final Key SIMILARITY_MIN_SUPPORT = key("batch.similarity.min-support", "2",
            "Track similarity: listeners who must have played both tracks for a pair to count.");
    public static final Key SIMILARITY_MAX_HISTORY = key("batch.similarity.max-history", "50",
            "Track similarity: a listener's strongest tracks used to count co-occurrence (bounds the pairs per listener).");
    public static final Key EVAL_K = key("batch.eval.k", "10", "Evaluation: cut-off k of precision@k, recall@k, NDCG@k, MAP@k.");
    public static final Key EVAL_SPLIT = key("batch.eval.split", "stratified",
            "Evaluation holdout: 'stratified' (per listener, a random share of their tracks) or 'time' (per listener, their latest tracks).");
    public static final Key EVAL_RATIO = key("batch.eval.ratio", "0.75", "Evaluation: share of each listener's tracks used for training.");
    public static final Key EVAL_SEED = key("batch.eval.seed", "42", "Evaluation: seed of the stratified split.");
    public static final Key EVAL_TUNE_BUDGET = key("batch.eval.tune-budget-seconds", "30",
            "Evaluation: seconds of hyperparameter search per model family on the validation split (0: defaults only).");
    public static final Key QUALITY_FRESHNESS_MAX_HOURS = key("quality.freshness.max-hours", "26",
            "Data quality: hours since a raw Delta table's newest commit (its last landing) before it counts as stale.");
    public static final Key QUALITY_ROW_COUNT_MAX_DROP = key("quality.row-count.max-drop", "0.0",
            "Data quality: share by which a table's row count may fall below the previous check's (raw tables only grow).");
    public static final Key QUALITY_ORPHAN_MAX_RATIO = key("quality.referential.max-orphan-ratio", "0.0",
            "Data quality: share of landed interactions whose (org, track) may be missing from the PostgreSQL catalog.");
    public static final Key HEALTH_MAX_CONSUMER_LAG = key("health.max-consumer-lag", "100000",
            "Streaming health: records a Flink job's consumer group may be behind the end of its topics.");
    public static final Key HEALTH_MAX_CHECKPOINT_AGE_SECONDS = key("health.max-checkpoint-age-seconds", "600",
            "Streaming health: seconds since a Flink job's newest completed checkpoint.");
    public static final Key HEALTH_MAX_DEAD_LETTER_RATE = key("health.max-dead-letter-rate", "0.01",
            "Streaming health: dead letters of the Flink jobs per record of their input topics, over the window.");
    public static final Key HEALTH_WINDOW_MINUTES = key("health.window-minutes", "60",
            "Streaming health: the window the dead-letter rate is measured over.");
    public static final Key CLUSTER_SPARK_MASTER_PORT = key("cluster.spark.master-port", "17077",
            "Local cluster (./tunetrail cluster): the Spark standalone master's port; its two workers take the next two ports.");
    public static final Key CLUSTER_SPARK_UI_PORT = key("cluster.spark.master-ui-port", "17080",
            "Local cluster: the Spark master's web UI and JSON status port (the workers' UIs take free ports).");
    public static final Key CLUSTER_SPARK_WORKER_MEMORY = key("cluster.spark.worker-memory", "768m",
            "Local cluster: memory each Spark worker (1 core) offers its executors.");
    public static final Key CLUSTER_FLINK_REST_PORT = key("cluster.flink.rest-port", "17081",
            "Local cluster: the Flink JobManager's REST port (job submission, savepoints, status).");
    public static final Key CLUSTER_FLINK_RPC_PORT = key("cluster.flink.rpc-port", "17123",
            "Local cluster: the Flink JobManager's RPC port (the TaskManagers register there).");
    public static final Key CLUSTER_KAFKA_BASE_PORT = key("cluster.kafka.base-port", "17092",
            "Local cluster: the first of six ports of the three-broker Kafka cluster (brokers on base..base+2, their"
                    + " KRaft controllers on base+3..base+5).");

    // SQL endpoint (sql-endpoint: Spark's Thrift JDBC/ODBC server over the offline store, ./tunetrail sql).
    public static final Key SQL_PORT = key("sql.port", "10099",
            "Port of the SQL endpoint (HiveServer2 protocol: jdbc:hive2://<host>:<port>/default); not Hive's 10000.");
    public static final Key SQL_HOST = key("sql.host", "127.0.0.1",
            "Address the SQL endpoint binds and ./tunetrail sql connects to; loopback unless analysts connect from elsewhere.");
    public static final Key SQL_QUERY_TIMEOUT_SECONDS = key("sql.query-timeout-seconds", "120",
            "A query of an analyst running longer than this is cancelled with a message naming this key; 0: no limit.");
    public static final Key SQL_MAX_ROWS = key("sql.max-rows", "100000",
            "A query of an analyst answering more rows than this fails with a message naming this key (aggregate, filter or "
                    + "add LIMIT); 0: no limit.");
    public static final Key SQL_MEMORY = key("sql.memory", "1g",
            "Heap of the SQL endpoint's JVM (-Xmx): Spark local mode runs its queries in that JVM.");
    public static final Key SQL_AUDIT_RETENTION_DAYS = key("sql.audit.retention-days", "90",
            "Days the SQL endpoint's statement audit (sql_query_audit) is kept; the endpoint's audit writer deletes older "
                    + "entries hourly, in batches. At least 1.");

    private final Map<String, String> values;

    private PlatformConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    private static Key key(String name, String defaultValue, String description) {
        Key key = new Key(name, defaultValue, description);
        KEYS.add(key);
        return key;
    }

    /** Every key, in declaration order. */
    /**
     * Overrides (keys by name) that give every topic a name of its own, {@code <prefix><default name>}: for a test or a
     * benchmark that must never read or write the platform's topics.
     */
    public static Map<String, String> topicsNamed(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        TOPICS.forEach(k -> out.put(k.name(), prefix + k.defaultValue()));
        return out;
    }

    public static List<Key> keys() {
        return Collections.unmodifiableList(KEYS);
    }

    /** Defaults, then the config file, then the process environment. */
    public static PlatformConfig load() {
        return load(System.getenv(), Map.of());
    }

    /** Defaults, then the config file, then {@code env}, then {@code overrides} (keys by name). */
    public static PlatformConfig load(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Key key : KEYS) {
            values.put(key.name(), key.defaultValue());
        }
        String home = overrides.getOrDefault(HOME.name(), env.getOrDefault(HOME.envVar(), HOME.defaultValue()));
        Path file = env.containsKey(CONFIG_FILE_ENV)
                ? Path.of(env.get(CONFIG_FILE_ENV))
                : Path.of(home, "tunetrail.properties");
        if (env.containsKey(CONFIG_FILE_ENV) || Files.isRegularFile(file)) {
            values.putAll(readFile(file));
        }
        for (Key key : KEYS) {
            String v = env.get(key.envVar());
            if (v != null) {
                values.put(key.name(), v);
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            requireKnown(e.getKey(), "override");
            values.put(e.getKey(), e.getValue());
        }
        PlatformConfig config = new PlatformConfig(values);
        config.validate();
        return config;
    }

    /** Reads a properties file of our keys; an unknown key is an error (a typo must not pass silently). */
    public static Map<String, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            requireKnown(name, "config file " + file);
            out.put(name, props.getProperty(name).trim());
        }
        return out;
    }

    private static void requireKnown(String name, String where) {
        if (KEYS.stream().noneMatch(k -> k.name().equals(name))) {
            throw new IllegalArgumentException("unknown configuration key '" + name + "' in " + where
                    + "; known keys are listed in config/tunetrail.sample.properties");
        }
    }

    private void validate() {
        for (Key key : List.of(KAFKA_CONTROLLER_PORT, POSTGRES_PORT, REDIS_PORT, API_PORT, CLUSTER_SPARK_MASTER_PORT,
                CLUSTER_SPARK_UI_PORT, CLUSTER_FLINK_REST_PORT, CLUSTER_FLINK_RPC_PORT, CLUSTER_KAFKA_BASE_PORT)) {
            int port = getInt(key);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(describe(key) + " = " + port + " is not a TCP port (1..65535)");
            }
        }
        if (!get(REDIS_MAXMEMORY).matches("[1-9][0-9]{0,12}(kb|mb|gb)?")) {
            throw new IllegalArgumentException(describe(REDIS_MAXMEMORY) + " = '" + get(REDIS_MAXMEMORY)
                    + "' is not a size: give bytes or a number with kb, mb or gb, e.g. 512mb");
        }
        for (Key key : List.of(CLUSTER_SPARK_WORKER_MEMORY)) {
            if (!get(key).matches("[1-9][0-9]{0,6}[mg]")) {
                throw new IllegalArgumentException(describe(key) + " = '" + get(key) + "' is not a JVM memory size: give e.g. 768m or 1g");
            }
        }
        if (getInt(CLUSTER_SPARK_MASTER_PORT) > 65533 || getInt(CLUSTER_KAFKA_BASE_PORT) > 65530) {
            throw new IllegalArgumentException(describe(CLUSTER_SPARK_MASTER_PORT) + " and " + describe(CLUSTER_KAFKA_BASE_PORT)
                    + " need the ports after them free too: choose lower ports");
        }
        if (getInt(KAFKA_PARTITIONS) < 1) {
            throw new IllegalArgumentException(describe(KAFKA_PARTITIONS) + " must be at least 1");
        }
        if (getInt(EMBEDDING_DIMENSION) < 2 || getInt(EMBEDDING_DIMENSION) > 2000) {
            throw new IllegalArgumentException(describe(EMBEDDING_DIMENSION) + " must be 2..2000 (pgvector's HNSW limit)");
        }
        for (Key key : List.of(ALS_RANK, ALS_ITERATIONS, ALS_TOP_N, ALS_MIN_INTERACTIONS, SIMILARITY_TOP_K,
                SIMILARITY_MIN_SUPPORT, SIMILARITY_MAX_HISTORY, EVAL_K, TRAINING_LEASE_SECONDS, BATCH_PARALLEL_TABLES,
                WORKER_POLL_MS, WORKER_HEARTBEAT_MS, WORKER_RETRY_BASE_MS, WORKER_RETRY_MAX_MS, API_CANARY_MIN_JUDGEMENTS,
                API_CANARY_DECIDE_INTERVAL_SECONDS, API_STRIPE_MAX_ATTEMPTS, API_STRIPE_TIMEOUT_MS)) {
            if (getInt(key) < 1) {
                throw new IllegalArgumentException(describe(key) + " must be at least 1");
            }
        }
        if (getDouble(ALS_REGULARIZATION) < 0 || getDouble(ALS_ALPHA) < 0) {
            throw new IllegalArgumentException(describe(ALS_REGULARIZATION) + " and " + describe(ALS_ALPHA)
                    + " must not be negative");
        }
        if (getInt(RETENTION_KEEP_RETIRED) < 0) {
            throw new IllegalArgumentException(describe(RETENTION_KEEP_RETIRED) + " must be 0 or more");
        }
        if (getLong(API_FAMILIES_MISS_TTL_MS) < 0) {
            throw new IllegalArgumentException(describe(API_FAMILIES_MISS_TTL_MS) + " must be 0 or more");
        }
        if (getLong(ALS_IN_MEMORY_MAX_PREFERENCES) < 0 || getInt(ALS_IN_MEMORY_THREADS) < 0) {
            throw new IllegalArgumentException(describe(ALS_IN_MEMORY_MAX_PREFERENCES) + " and "
                    + describe(ALS_IN_MEMORY_THREADS) + " must be 0 or more");
        }
        getBoolean(ALS_LOG_SCALE);
        getBoolean(ALS_EXCLUDE_HEARD);
        getLong(ALS_SEED);
        getLong(EVAL_SEED);
        if (getDouble(BEST_OF_TUNE_SECONDS) < 0) {
            throw new IllegalArgumentException(describe(BEST_OF_TUNE_SECONDS) + " must be 0 or more");
        }
        if (getLong(EVAL_TUNE_BUDGET) < 0) {
            throw new IllegalArgumentException(describe(EVAL_TUNE_BUDGET) + " must be 0 or more");
        }
        double ratio = getDouble(EVAL_RATIO);
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException(describe(EVAL_RATIO) + " must lie strictly between 0 and 1");
        }
        if (!List.of("stratified", "time").contains(get(EVAL_SPLIT))) {
            throw new IllegalArgumentException(describe(EVAL_SPLIT) + " must be 'stratified' or 'time'");
        }
    }

    public String get(Key key) {
        return values.get(key.name());
    }

    public int getInt(Key key) {
        return parse(key, Integer::parseInt, "an integer");
    }

    public long getLong(Key key) {
        return parse(key, Long::parseLong, "an integer");
    }

    public double getDouble(Key key) {
        return parse(key, Double::parseDouble, "a number");
    }

    /** {@code true} or {@code false}, nothing else (a typo must not read as false). */
    public boolean getBoolean(Key key) {
        return parse(key, v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(v);
            }
            return Boolean.parseBoolean(v);
        }, "true or false");
    }

    private <T> T parse(Key key, Function<String, T> parser, String what) {
        String raw = get(key);
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(describe(key) + " = '" + raw + "' is not " + what);
        }
    }

    private static String describe(Key key) {
        return "configuration key " + key.describe();
    }

    /** Every key's effective value, for {@code ./tunetrail config} and for passing to child processes. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The environment variables that reproduce this configuration in a child process. */
    public Map<String, String> asEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Key key : KEYS) {
            env.put(key.envVar(), values.get(key.name()));
        }
        return env;
    }

    // Derived values: one definition each, so every module connects the same way.

    public Path home() {
        return Path.of(get(HOME)).toAbsolutePath().normalize();
    }

    /**
     * The offline store's root as Spark and Delta address it: {@code s3a://bucket/prefix} as configured, or a local
     * folder's absolute path. Every job resolves table locations from this.
     */
    public String offlineStoreUri() {
        String v = get(OFFLINE_STORE).strip();
        if (isObjectStoreUri(v)) {
            return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        }
        if (v.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            // s3://, gs://, file://… would otherwise become a relative folder named after the scheme.
            throw new IllegalStateException("the offline store " + v + " (" + OFFLINE_STORE.describe() + ") is neither a "
                    + "local folder nor s3a://bucket/prefix, the one object store the batch jobs reach (Hadoop's S3A)");
        }
        return v.isEmpty() ? home().resolve("lake").toString() : Path.of(v).toAbsolutePath().normalize().toString();
    }

    /** Whether the offline store is on an S3 API ({@code s3a://}) rather than a local folder. */
    public boolean offlineStoreOnS3() {
        return isObjectStoreUri(get(OFFLINE_STORE).strip());
    }

    /**
     * The offline store's local folder, for the tools that read Delta logs from disk (the demo's summaries, the SQL
     * endpoint's table scan). Fails saying so when the store is on {@code s3a://}, which only Spark reads here.
     */
    public Path offlineStore() {
        if (offlineStoreOnS3()) {
            throw new IllegalStateException("the offline store is " + get(OFFLINE_STORE) + " (" + OFFLINE_STORE.describe()
                    + "); this reads a local offline store only. Use the batch jobs (--peek) for an s3a:// store.");
        }
        return Path.of(offlineStoreUri());
    }

    private static boolean isObjectStoreUri(String v) {
        return v.regionMatches(true, 0, "s3a://", 0, 6);
    }

    public String kafkaBootstrap() {
        return get(KAFKA_BOOTSTRAP);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + get(POSTGRES_HOST) + ":" + getInt(POSTGRES_PORT) + "/" + get(POSTGRES_DATABASE);
    }

    public String redisUri() {
        return "redis://" + get(REDIS_HOST) + ":" + getInt(REDIS_PORT);
    }
}
