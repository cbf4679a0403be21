package io.tunetrail.console.web;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the templates ({@code src/main/jte}) render: plain records, no logic. */
public final class Views {
    private Views() {}

    /** The frame around every page; {@code member} is null on the sign-in page. */
    public record Frame(String title, String active, MemberLine member) {}

    /**
     * Who is signed in, for the header, and the token its sign-out form carries; {@code brand}: the org's white label,
     * null unless its plan has one and an owner set it.
     */
    public record MemberLine(String email, String role, String orgName, String planName, String csrf, Brand brand) {}

    /** An org's white label as stored; {@code version} changes with every save (the header's links carry it). */
    public record Brand(String name, String accent, boolean hasLogo, long version) {}

    public record SignIn(Frame frame, String csrf, String email, String error) {}

    public record UsageRow(String resource, String usedToday, String limitToday, String usedThisMonth, String limitThisMonth) {}

    /**
     * {@code alerts}: the open ones, null when the member's role may not see them; {@code csrf} non-null when they may
     * acknowledge them. {@code cost}: null when the member may not see it.
     */
    public record Overview(Frame frame, String orgName, String planName, boolean quotasEnforced, List<UsageRow> usage, String dayResetsAt,
            String monthResetsAt, List<AlertRow> alerts, String csrf, CostSummary cost) {}

    /** An open threshold alert: what reached how much of its limit, when. */
    public record AlertRow(String alertId, String what, String used, String limit, String reachedAt) {}

    /** The month to date against the plan's cost cap ({@code cap} "no cap" when it has none). */
    public record CostSummary(String month, String spent, String held, String cap, String percent, boolean hardStop, String resetsAt) {}

    public record KeyRow(String keyId, String name, String prefix, String scopes, String expires, String lastUsed, String status,
            boolean revocable) {}

    /** The create form as sent (to show it again beside its errors). */
    public record KeyForm(String name, Set<String> scopes, String expires) {
        public static final KeyForm EMPTY = new KeyForm("", Set.of("read"), "");
    }

    /** A key created a moment ago: its secret, shown on this one page view. */
    public record NewSecret(String keyName, String secret) {}

    public record Keys(Frame frame, String csrf, List<KeyRow> keys, NewSecret created, KeyForm form, Map<String, String> errors) {}

    /** A page that only says something: not allowed, not found, too many attempts, an error. */
    public record Message(Frame frame, String heading, String detail, String linkHref, String linkText) {}

    /** A team with its members; {@code nameValue} and {@code error}: the rename form as sent and why it was refused. */
    public record TeamRow(String teamId, String name, List<String> memberEmails, String nameValue, String error) {}

    /**
     * A member of the org. {@code manageable}: the viewer stands at or above their role (the API refuses the rest);
     * {@code canMakeOwner}: the viewer is an owner and this is someone else. {@code error}: why the last action on
     * this member was refused.
     */
    public record MemberRow(String memberId, String email, String role, String teams, boolean you, boolean manageable, boolean canMakeOwner,
            String error) {}

    /**
     * {@code error}: a refusal that belongs to no row on the page (say, of a member removed meanwhile). {@code invite}:
     * the invitation form and its open invitations, null for a member whose role may not invite.
     */
    public record Teams(Frame frame, String csrf, List<TeamRow> teams, List<MemberRow> members, List<String> roles, String error,
            Invite invite) {}

    /** An invitation not yet accepted, revoked or expired. */
    public record InvitationRow(String invitationId, String email, String role, String team, String expires) {}

    /** The invitation form as sent (to show it again beside its errors). */
    public record InviteForm(String email, String role, String team) {
        public static final InviteForm EMPTY = new InviteForm("", "member", "");
    }

    /** The teams page's invitations: the form, the roles the viewer may give, the teams, the open ones; {@code sentTo} after a send. */
    public record Invite(InviteForm form, List<String> roles, List<Option> teams, List<InvitationRow> open, Map<String, String> errors,
            String sentTo) {}

    /** Choosing a password without a session: accepting an invitation or resetting; {@code token} is the link's. */
    public record SetPassword(Frame frame, String heading, String intro, String action, String csrf, String token, String email, String error) {}

    /** The "forgot password" form. */
    public record Forgot(Frame frame, String csrf, String email, String error) {}

    /** The usage form as sent: group, granularity, range (dates or instants, as typed). */
    public record UsageForm(String groupBy, String granularity, String from, String to) {}

    public record UsageTotal(String group, String label, String value) {}

    public record UsageCell(String period, String group, String label, String value) {}

    /**
     * The usage page. {@code query} is the form's query string (for the chart's data and the CSV link), null when the
     * form was refused; then {@code errors} say why, by field.
     */
    public record Usage(Frame frame, UsageForm form, List<String> groupBys, List<String> granularities, String range, String measure,
            String dataFrom, List<UsageTotal> totals, List<UsageCell> rows, String query, Map<String, String> errors) {}

    /** The audit log's filter form as sent. */
    public record AuditForm(String actor, String action, String from, String to) {}

    public record AuditRow(String when, String actor, String action, String target, String details) {}

    /** A choice of a select: its value and what it shows. */
    public record Option(String value, String label) {}

    public record Audit(Frame frame, AuditForm form, List<Option> actors, List<AuditRow> entries, String nextHref, String firstHref,
            Map<String, String> errors) {}

    /**
     * What the plan lacks for a part of a page, in the fields of the API's 402 body (plan_upgrade_required): the org's
     * plan, the plans that include the feature, what the feature is, the upgrade link.
     */
    public record Upgrade(String currentPlan, List<String> requiredPlans, String featureDescription, String upgradeUrl, String message) {}

    /** An action of a page: allowed, or why not in words ({@code why}), with the upgrade when it is the plan that lacks it. */
    public record Action(boolean allowed, String why, Upgrade upgrade) {}

    public record VersionRow(String versionId, String version, String status, String metrics, String created, String promoted, boolean active,
            boolean pinned) {}

    /** A training request with its worker's last progress report; {@code unfinished}: queued or running (the page polls it). */
    public record TrainingRow(String requestId, String algorithm, String status, String stage, String percent, String created, String error,
            boolean unfinished) {}

    /**
     * The models page of one algorithm. {@code versions} is null when {@code list} is not allowed (then its upgrade
     * says what the plan needs); {@code notice}: what the last action did.
     */
    public record Models(Frame frame, String csrf, String algorithm, List<String> algorithms, Action list, List<VersionRow> versions,
            String activeVersion, String pinnedVersion, String promotions, Action pin, Action rollback, Action training, List<TrainingRow> requests,
            String notice, CanaryView canary, Action decideCanary, Action train, TrainForm trainForm, Map<String, String> trainErrors) {}

    /** The training request form as sent: the algorithm and its params as JSON text (empty: the defaults). */
    public record TrainForm(String algorithm, String params) {}

    /**
     * The lineage's running (else latest) canary as the API's {@code GET /api/v1/models/canary} shows it; {@code figures}
     * in words; {@code running}: still undecided, so an owner may approve or abort it.
     */
    public record CanaryView(String canaryId, String state, String candidate, String active, int sharePercent, String endsAt, String figures,
            String decided, boolean running) {}

    /** The rollback's confirmation: from which version of which algorithm (null: the active one when it is sent). */
    public record RollbackConfirm(Frame frame, String csrf, String algorithm, String fromVersion) {}

    public record SvgRect(double x, double y, double width, double height, String fill, String title) {}

    public record SvgLine(double x1, double y1, double x2, double y2, String stroke) {}

    /** {@code anchor}: SVG's text-anchor, start, middle or end. */
    public record SvgText(double x, double y, String text, String anchor) {}

    /** A chart drawn on the server as SVG shapes; {@code label} names it for screen readers. */
    public record Svg(String id, int width, int height, String label, List<SvgRect> rects, List<SvgLine> lines, List<SvgText> texts) {}

    /** The insights page's form as sent: correlation scope, a listener for the taste profile, the Wrapped year. */
    public record InsightsForm(String scope, String userId, String year) {}

    public record TopTrackRow(int rank, String trackId, String title, String genres, String plays, String listeners) {}

    public record WrappedView(int year, String modelVersion, String plays, String minutes, String peakListeners, List<String> topGenres,
            Svg months) {}

    public record TasteView(String userId, List<String> topGenres, String skipRate, String minutesLast7Days, String peak,
            List<String> similarListeners, ListenerYear year) {}

    /** A listener's Wrapped for the form's year (the API's {@code /analytics/insights/wrapped?user_id=}); null when unreadable. */
    public record ListenerYear(int year, String plays, String minutes, String peakMonth, List<String> topTracks, List<String> topGenres) {}

    /**
     * The insights page. A chart is null when the org's analytics job has not produced it yet ({@code *Version} null too);
     * {@code errors} by form field.
     */
    public record Insights(Frame frame, InsightsForm form, Map<String, String> errors, String genreVersion, Svg genres, String temporalVersion,
            Svg week, String contextVersion, Svg context, Action topTracks, List<TopTrackRow> top, String topBasis, WrappedView wrapped,
            TasteView taste) {}

    public record DeliveryRow(String deliveryId, String eventType, String status, int attempts, String lastAnswer, String created,
            String doneOrNext) {}

    public record WebhookView(String webhookId, String url, String events, String created, String circuit, List<DeliveryRow> deliveries) {}

    /**
     * {@code deliveries}: whether the member may read deliveries (the deliveries route's gate); {@code retryCsrf}: the
     * token a failed delivery's Retry form carries, null when the retry route's gate refuses the member (no button).
     */
    public record Webhooks(Frame frame, List<WebhookView> endpoints, Action deliveries, String retryCsrf) {}

    public record AudioRow(String analysisId, String trackId, String duration, String tempo, String created) {}

    /** One analysis: its features by name and its chart; {@code pending}: still being analysed (neither yet). */
    public record AudioAnalysisView(String analysisId, boolean pending, String trackId, Map<String, String> features, Svg chart) {}

    /**
     * The audio page: the upload form when {@code upload} allows it (files up to {@code maxMegabytes}), {@code errors} by
     * form field, the analysis asked for (null: none) and the org's recent analyses.
     */
    public record Audio(Frame frame, String csrf, Action upload, long maxMegabytes, Map<String, String> errors, AudioAnalysisView shown,
            List<AudioRow> recent) {}

    public record FlagRow(String key, String description, boolean enabled, String plans, int rolloutPercent, String updated) {}

    /** The create form as sent ({@code rolloutPercent} as typed), shown back with its errors. */
    public record FlagForm(String key, String description, List<String> plans, String rolloutPercent, boolean enabled) {
        public static final FlagForm EMPTY = new FlagForm("", "", List.of(), "100", true);
    }

    /** The flags page; {@code errors} by field, a row's rollout under {@code rollout:<key>}. */
    public record Flags(Frame frame, String csrf, List<FlagRow> flags, List<String> planIds, FlagForm form, Map<String, String> errors,
            String notice) {}

    /** The white label form as shown: stored or as sent. */
    public record BrandingForm(String displayName, String accentColor) {}

    /** The white label page; {@code logoVersion} makes the preview's link change with every save. */
    public record BrandingPage(Frame frame, String csrf, BrandingForm form, boolean hasLogo, long logoVersion, Map<String, String> errors,
            String notice) {}

    /** A plan checkout sells above the org's: {@code price} as the page shows it. */
    public record PlanOffer(String planId, String name, String price) {}

    /** The billing page; {@code subscription} null when the org never had one, {@code error} the API's refusal of the last action. */
    public record Billing(Frame frame, String csrf, String planName, String planPrice, String subscription, List<PlanOffer> offers,
            Action checkout, Action portal, String error, String notice) {}
}
