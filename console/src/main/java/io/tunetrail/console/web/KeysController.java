package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.auth.ApiKey;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.AccountService;
import io.tunetrail.store.online.RedisKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The API keys page: list, create (the secret shown on the next page view only), revoke. Every action goes through
 * the API's {@link AccountService} with the member's principal, so a member can do here exactly what their role
 * lets them do through the API, and another org's key is not found.
 */
final class KeysController {
    static final String PATH = ConsoleHttp.BASE + "/keys";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Long enough to follow the redirect, short enough that an abandoned secret does not linger. */
    private static final long SECRET_SECONDS = 60;
    private static final List<String> SCOPES = List.of("read", "write", "admin");

    private final AccountService accounts;
    private final UnifiedJedis jedis;
    private final Clock clock;
    private final ConsoleHttp http;

    KeysController(AccountService accounts, UnifiedJedis jedis, Clock clock, ConsoleHttp http) {
        this.accounts = accounts;
        this.jedis = jedis;
        this.clock = clock;
        this.http = http;
    }

    /** The gates are those of the API's routes for the same actions: listing, creating, rotating and revoking keys. */
    void install(Javalin app, PageGuard guard, Gate list, Gate create, Gate rotate, Gate revoke) {
        app.get(PATH, guard.page(list, "The API keys page", this::page));
        app.post(PATH, guard.page(create, "Creating API keys", this::create));
        app.post(PATH + "/{key_id}/rotate", guard.page(rotate, "Rotating API keys", this::rotate));
        app.post(PATH + "/{key_id}/revoke", guard.page(revoke, "Revoking API keys", this::revoke));
    }

    private void page(Context ctx, Member m) {
        String held = jedis.getDel(RedisKeys.consoleSecret(m.principal().orgId(), m.session().digest()));
        Views.NewSecret created = null;
        if (held != null) {
            int cut = held.indexOf('\n');
            created = new Views.NewSecret(held.substring(cut + 1), held.substring(0, cut));
        }
        show(ctx, 200, m, created, Views.KeyForm.EMPTY, Map.of());
    }

    private void create(Context ctx, Member m) {
        Views.KeyForm form = new Views.KeyForm(text(ctx.formParam("name")), new LinkedHashSet<>(ctx.formParams("scope")), text(ctx.formParam("expires")));
        Map<String, String> errors = new LinkedHashMap<>();
        Instant expiresAt = null;
        if (!form.expires().isEmpty()) {
            try {
                expiresAt = LocalDate.parse(form.expires()).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                errors.put("expires", "Give the expiry as a date, YYYY-MM-DD, or leave it empty for a key that does not expire.");
            }
        }
        if (form.scopes().isEmpty()) {
            errors.put("scopes", "Choose at least one scope.");
        } else if (!SCOPES.containsAll(form.scopes())) {
            errors.put("scopes", "Scopes are read, write and admin.");
        }
        AccountService.CreatedKey key = null;
        if (errors.isEmpty()) {
            try {
                key = accounts.createKey(m.principal(), new AccountService.CreateKeyRequest(form.name(), List.copyOf(form.scopes()), null, null, expiresAt));
            } catch (ApiException e) {
                if (e.field() == null) {
                    throw e;
                }
                errors.put(formField(e.field()), e.detail());
            }
        }
        if (key == null) {
            show(ctx, 400, m, null, form, errors);
            return;
        }
        showOnce(ctx, m, key);
    }

    /** A new secret for the key through the API's own rotation (the old one stops working), shown once like a new key's. */
    private void rotate(Context ctx, Member m) {
        showOnce(ctx, m, accounts.rotate(m.principal(), ctx.pathParam("key_id")));
    }

    /** Holds the secret for the page the redirect leads to, which shows it once: a reload never shows it again. */
    private void showOnce(Context ctx, Member m, AccountService.CreatedKey key) {
        jedis.setex(RedisKeys.consoleSecret(m.principal().orgId(), m.session().digest()), SECRET_SECONDS, key.secret() + "\n" + key.key().name());
        ConsoleHttp.redirect(ctx, PATH);
    }

    private void revoke(Context ctx, Member m) {
        accounts.revoke(m.principal(), ctx.pathParam("key_id"));
        ConsoleHttp.redirect(ctx, PATH);
    }

    private void show(Context ctx, int status, Member m, Views.NewSecret created, Views.KeyForm form, Map<String, String> errors) {
        Instant now = clock.instant();
        List<Views.KeyRow> rows = accounts.keys(m.principal(), null).stream().map(k -> row(k, now)).toList();
        http.render(ctx, status, "keys.jte", new Views.Keys(m.frame("API keys", "keys"), m.session().csrfToken(), rows, created, form, errors));
    }

    private static Views.KeyRow row(ApiKey k, Instant now) {
        boolean expired = k.expiresAt() != null && !now.isBefore(k.expiresAt());
        String status = k.revokedAt() != null ? "revoked " + DAY.format(k.revokedAt()) : expired ? "expired" : "active";
        return new Views.KeyRow(k.keyId(), k.name(), k.prefix(), String.join(", ", k.scopes()), k.expiresAt() == null ? "never" : WHEN.format(k.expiresAt()),
                k.lastUsedAt() == null ? "never" : WHEN.format(k.lastUsedAt()), status, k.revokedAt() == null);
    }

    /** The form field an API refusal names: {@code scopes[1]} is the scopes boxes, {@code expires_at} the expiry date. */
    private static String formField(String apiField) {
        if (apiField.startsWith("scopes")) {
            return "scopes";
        }
        return apiField.equals("expires_at") ? "expires" : apiField;
    }

    private static String text(String s) {
        return s == null ? "" : s.trim();
    }
}
