package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.billing.BillingSessions;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The billing page: the org's plan, its list price and Stripe subscription state, the plans above it with an upgrade
 * through Stripe Checkout, and the Customer Portal. Both actions go through the API's own {@link BillingSessions} with
 * the gates of {@code POST /api/v1/billing/checkout} and {@code /portal} (owners), so what it refuses here (not an
 * upgrade, a live subscription, no customer yet, Stripe off) is what the API refuses; the page itself is for every
 * member, read-only for those who may not act.
 *
 * <p>Stripe's session pages are on Stripe's hosts, where the form's answer sends the browser: this page's
 * Content-Security-Policy lets its forms go there ({@link #formTargets}), no other page's does.
 */
final class BillingController {
    static final String PATH = ConsoleHttp.BASE + "/billing";
    /** Where Stripe keeps its checkout and portal pages. */
    private static final List<String> STRIPE_PAGES = List.of("https://checkout.stripe.com", "https://billing.stripe.com");

    private final BillingSessions sessions;
    private final PlanCatalog plans;
    private final Sql sql;
    private final String publicUrl;
    private final String csp;
    private final ConsoleHttp http;

    /**
     * @param publicUrl   the console's address ({@code console.public-url}), which Stripe sends the browser back to
     * @param stripeBase  Stripe's API address ({@code api.stripe.api-base}); a stand-in there serves its session pages too
     */
    BillingController(BillingSessions sessions, PlanCatalog plans, Sql sql, String publicUrl, String stripeBase, ConsoleHttp http) {
        this.sessions = sessions;
        this.plans = plans;
        this.sql = sql;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
        this.csp = ConsoleHttp.CSP.replace("form-action 'self'", "form-action 'self' " + formTargets(stripeBase));
        this.http = http;
    }

    static String formTargets(String stripeBase) {
        java.net.URI u = java.net.URI.create(stripeBase);
        String own = u.getScheme() + "://" + u.getRawAuthority();
        return String.join(" ", STRIPE_PAGES) + (STRIPE_PAGES.contains(own) || own.equals("https://api.stripe.com") ? "" : " " + own);
    }

    void install(Javalin app, PageGuard guard, ConsoleRoutes.BillingGates gates) {
        app.get(PATH, guard.page(gates.page(), "The billing page", (ctx, m) -> page(ctx, m, guard, gates, null, 200)));
        app.post(PATH + "/checkout", guard.page(gates.checkout(), "Upgrading the plan", (ctx, m) -> checkout(ctx, m, guard, gates)));
        app.post(PATH + "/portal", guard.page(gates.portal(), "The billing portal", (ctx, m) -> portal(ctx, m, guard, gates)));
    }

    private void page(Context ctx, Member m, PageGuard guard, ConsoleRoutes.BillingGates gates, String error, int status) {
        PlanCatalog.Plan current = m.principal().plan();
        double now = current.monthlyPriceUsd() == null ? -1 : current.monthlyPriceUsd();
        // What checkout sells: the plans with a Stripe price above this one's list price, as BillingSessions decides an upgrade.
        List<Views.PlanOffer> offers = plans.plans().stream()
                .filter(p -> !p.stripePriceIds().isEmpty() && p.monthlyPriceUsd() != null && p.monthlyPriceUsd() > now)
                .sorted(Comparator.comparing(PlanCatalog.Plan::monthlyPriceUsd))
                .map(p -> new Views.PlanOffer(p.id(), p.displayName(), price(p))).toList();
        ctx.header("Content-Security-Policy", csp);
        http.render(ctx, status, "billing.jte", new Views.Billing(m.frame("Billing", "billing"), m.session().csrfToken(), current.displayName(),
                price(current), subscription(m.principal().orgId()), offers, guard.action(gates.checkout(), m, "Upgrading the plan"),
                guard.action(gates.portal(), m, "The billing portal"), error, notice(ctx.queryParam("done"))));
    }

    private void checkout(Context ctx, Member m, PageGuard guard, ConsoleRoutes.BillingGates gates) {
        String planId = Objects.requireNonNullElse(ctx.formParam("plan_id"), "").trim();
        BillingSessions.SessionAnswer answer;
        try {
            answer = sessions.checkout(m.principal(), new BillingSessions.CheckoutRequest(planId, null, publicUrl + PATH + "?done=checkout",
                    publicUrl + PATH));
        } catch (ApiException e) {
            refused(ctx, m, guard, gates, e);
            return;
        }
        ConsoleHttp.redirect(ctx, answer.url());
    }

    private void portal(Context ctx, Member m, PageGuard guard, ConsoleRoutes.BillingGates gates) {
        BillingSessions.SessionAnswer answer;
        try {
            answer = sessions.portal(m.principal(), new BillingSessions.PortalRequest(publicUrl + PATH));
        } catch (ApiException e) {
            refused(ctx, m, guard, gates, e);
            return;
        }
        ConsoleHttp.redirect(ctx, answer.url());
    }

    /** The API's refusal on the page, in its words; Stripe or the server failing stays the error page it is elsewhere. */
    private void refused(Context ctx, Member m, PageGuard guard, ConsoleRoutes.BillingGates gates, ApiException e) {
        if (e.status() >= 500) {
            throw e;
        }
        page(ctx, m, guard, gates, e.detail(), e.status());
    }

    /** The newest subscription Stripe told us of, as its webhooks left it; null when the org never had one. */
    private String subscription(String orgId) {
        return sql.one("reading the org's subscription", "SELECT status, updated_at FROM stripe_subscription_state WHERE org_id = ? "
                + "ORDER BY last_event_created DESC LIMIT 1", ps -> ps.setString(1, orgId),
                rs -> rs.getString("status").replace('_', ' ') + " (as of " + Sql.instant(rs, "updated_at").toString().substring(0, 10) + ")")
                .orElse(null);
    }

    private static String price(PlanCatalog.Plan p) {
        return p.monthlyPriceUsd() == null ? "no list price" : String.format(Locale.ROOT, "$%,.2f a month", p.monthlyPriceUsd());
    }

    private static String notice(String done) {
        return "checkout".equals(done) ? "Thank you: the plan changes as soon as Stripe confirms the payment, usually within a minute." : null;
    }
}
