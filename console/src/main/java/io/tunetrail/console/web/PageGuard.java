package io.tunetrail.console.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.AudioUploads;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before every signed-in page and action, in this order: security headers, the session (else to the sign-in
 * page), the API route's own {@link Gate} (else the "not allowed" page: 402 with the upgrade link for the plan, 403 for the
 * role), on a POST the session's CSRF token (else 403);
 * then the handler, whose refusals become pages: another org's object is "not found", an unexpected failure a page
 * with a reference to quote, never a stack trace.
 */
final class PageGuard {
    private static final Logger LOG = LoggerFactory.getLogger(PageGuard.class);
    /** Where a member is sent to upgrade: the billing page, which checks out through Stripe (the API's 402 names the public pricing page). */
    private static final String UPGRADE = BillingController.PATH;

    @FunctionalInterface
    interface MemberHandler {
        void handle(Context ctx, Member member) throws Exception;
    }

    private final MemberResolver members;
    private final ConsoleHttp http;
    private final PlanCatalog plans;

    PageGuard(MemberResolver members, ConsoleHttp http, PlanCatalog plans) {
        this.members = members;
        this.http = http;
        this.plans = plans;
    }

    /** An upload form's handler: its multipart body parsed (bounded) and its CSRF token already checked. */
    @FunctionalInterface
    interface UploadHandler {
        void handle(Context ctx, Member member, AudioUploads.Form form) throws Exception;
    }

    Handler page(Gate gate, String title, MemberHandler handler) {
        return signedIn(gate, title, (ctx, m) -> {
            if (ctx.method() == HandlerType.POST && !SessionStore.sameToken(m.session().csrfToken(), ctx.formParam(ConsoleHttp.CSRF_FIELD))) {
                forged(ctx, m);
                return;
            }
            handler.handle(ctx, m);
        });
    }

    /**
     * A multipart upload form: as {@link #page}, but the body is parsed here through the API's bounded reader (files of at
     * most {@code maxFileBytes}, one file part) before the token in it is checked, since reading a form field the
     * usual way would buffer the whole body unbounded. Nothing runs before the token matched. A body over the limit
     * goes to {@code tooLarge} instead, unread (or read no further than the limit), with no token to check and nothing
     * for it to change.
     */
    Handler upload(Gate gate, String title, long maxFileBytes, UploadHandler handler, MemberHandler tooLarge) {
        return signedIn(gate, title, (ctx, m) -> {
            // A declared body over the limit arrives unread (BodyLimits): only the page saying so is shown, nothing runs.
            if (ctx.attribute(io.tunetrail.api.http.BodyLimits.OVERSIZED) != null) {
                tooLarge.handle(ctx, m);
                return;
            }
            if (!AudioUploads.isMultipart(ctx)) {
                forged(ctx, m);
                return;
            }
            AudioUploads.Form form;
            try {
                form = AudioUploads.multipart(ctx, maxFileBytes, 1);
            } catch (ApiException e) {
                // A body that grew past the limit as it streamed in, or a file over it: the same page, nothing kept.
                if (e.status() != 413) {
                    throw e;
                }
                ctx.header("Connection", "close");
                tooLarge.handle(ctx, m);
                return;
            }
            try (form) {
                if (!SessionStore.sameToken(m.session().csrfToken(), form.field(ConsoleHttp.CSRF_FIELD))) {
                    forged(ctx, m);
                    return;
                }
                handler.handle(ctx, m, form);
            }
        });
    }

    private Handler signedIn(Gate gate, String title, MemberHandler handler) {
        return ctx -> {
            ConsoleHttp.securityHeaders(ctx);
            java.util.concurrent.atomic.AtomicReference<Member> signedIn = new java.util.concurrent.atomic.AtomicReference<>();
            guarded(ctx, signedIn::get, () -> {
                Member m = members.resolve(ctx.cookie(ConsoleHttp.SESSION_COOKIE)).orElse(null);
                signedIn.set(m);
                if (m == null) {
                    ConsoleHttp.redirect(ctx, ConsoleHttp.BASE + "/sign-in");
                    return;
                }
                Gate.Refusal refusal = gate.refusal(m.principal());
                if (refusal != null) {
                    notAllowed(ctx, m, gate, refusal, title);
                    return;
                }
                handler.handle(ctx, m);
            });
        };
    }

    private void forged(Context ctx, Member m) {
        http.message(ctx, 403, m.frame("Refused", ""), "Refused: the form's security token is missing or wrong",
                "Nothing was changed. Open the page again and resend the form from it.", ConsoleHttp.BASE, "Overview");
    }

    /** A page for anyone (sign-in): the security headers and the same error pages, without a session. */
    Handler open(Handler handler) {
        return ctx -> {
            ConsoleHttp.securityHeaders(ctx);
            guarded(ctx, () -> null, () -> handler.handle(ctx));
        };
    }

    /**
     * An address under the console that no page has, signed in or not: the console's "not found" page with its headers,
     * never the API's JSON problem for an unknown route.
     */
    Handler unknownPage() {
        return ctx -> {
            ConsoleHttp.securityHeaders(ctx);
            java.util.concurrent.atomic.AtomicReference<Member> signedIn = new java.util.concurrent.atomic.AtomicReference<>();
            guarded(ctx, signedIn::get, () -> {
                signedIn.set(members.resolve(ctx.cookie(ConsoleHttp.SESSION_COOKIE)).orElse(null));
                http.message(ctx, 404, frame(signedIn.get()), "Not found", "The console has no page at this address.", ConsoleHttp.BASE, "Overview");
            });
        };
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work}, turning what it throws into a page; {@code member} says who was signed in by then, if anyone. */
    private void guarded(Context ctx, java.util.function.Supplier<Member> member, Work work) throws Exception {
        try {
            work.run();
        } catch (ApiException e) {
            refused(ctx, member.get(), e);
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.UNAVAILABLE) {
                failed(ctx, member.get(), e);
                return;
            }
            unavailable(ctx, member.get(), e.getMessage());
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            unavailable(ctx, member.get(), "Redis: " + e.getMessage());
        } catch (RuntimeException e) {
            failed(ctx, member.get(), e);
        }
    }

    private void unavailable(Context ctx, Member m, String why) {
        LOG.warn("console {} {}: {}", ctx.method(), ctx.path(), why);
        http.message(ctx, 503, frame(m), "Temporarily unavailable", "A service the console needs does not answer; try again in a moment.",
                ctx.path(), "Try again");
    }

    /** A plan gate answers 402 as the API's route does (plan_upgrade_required), a role or scope 403. */
    private void notAllowed(Context ctx, Member m, Gate gate, Gate.Refusal refusal, String title) {
        boolean plan = refusal == Gate.Refusal.PLAN;
        http.message(ctx, plan ? 402 : 403, m.frame("Not allowed", ""), "Not allowed", refusalDetail(gate, refusal, m, title),
                plan ? UPGRADE : ConsoleHttp.BASE, plan ? "Upgrade" : "Overview");
    }

    /**
     * Whether {@code m} may do what {@code gate} guards, decided as the page itself is ({@link Gate#refusal}), for a page
     * that shows an action beside others: the reason when not, and for the plan the API's 402 fields.
     */
    Views.Action action(Gate gate, Member m, String title) {
        Gate.Refusal refusal = gate.refusal(m.principal());
        if (refusal == null) {
            return new Views.Action(true, null, null);
        }
        String why = refusalDetail(gate, refusal, m, title);
        Views.Upgrade upgrade = refusal != Gate.Refusal.PLAN ? null : new Views.Upgrade(m.principal().plan().id(), plans.plansWith(gate.feature()),
                plans.featureDescription(gate.feature()), UPGRADE, why);
        return new Views.Action(false, why, upgrade);
    }

    /** Why {@code gate} turns {@code m} away from {@code title}, in words; a page says it too beside an action it withholds. */
    String refusalDetail(Gate gate, Gate.Refusal refusal, Member m, String title) {
        return switch (refusal) {
            case ROLE -> title + " is for members with the " + gate.role().wireName() + " role or higher; you are signed in as a "
                    + m.principal().role().wireName() + ". Ask an owner or admin of " + m.orgName() + " if you need it.";
            case SCOPE -> title + " needs the " + gate.scope().wireName() + " permission, which your role does not give.";
            case PLAN -> title + " needs " + plans.featureDescription(gate.feature()) + ", which the " + m.principal().plan().displayName()
                    + " plan does not include; it is part of " + String.join(", ", plans.plansWith(gate.feature())) + ".";
        };
    }

    private void refused(Context ctx, Member m, ApiException e) {
        if (e.status() == 404) {
            http.message(ctx, 404, frame(m), "Not found", "There is nothing of your organisation here.", ConsoleHttp.BASE, "Overview");
        } else if (e.status() == 403) {
            http.message(ctx, 403, frame(m), "Not allowed", e.detail(), ConsoleHttp.BASE, "Overview");
        } else {
            http.message(ctx, e.status(), frame(m), e.title(), e.detail(), ConsoleHttp.BASE, "Overview");
        }
    }

    private void failed(Context ctx, Member m, RuntimeException e) {
        String reference = UUID.randomUUID().toString();
        LOG.error("console {} {} failed (reference {})", ctx.method(), ctx.path(), reference, e);
        http.message(ctx, 500, frame(m), "Something went wrong", "The console could not do this. Quote reference " + reference
                + " to support.", ConsoleHttp.BASE, "Overview");
    }

    private static Views.Frame frame(Member m) {
        return m == null ? new Views.Frame("Console", "", null) : m.frame("Console", "");
    }
}
