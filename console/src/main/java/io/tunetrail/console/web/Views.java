package io.tunetrail.console.web;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the templates ({@code src/main/jte}) render: plain records, no logic. */
public final class Views {
    private Views() {}

    /** The frame around every page; {@code member} is null on the sign-in page. */
    public record Frame(String title, String active, MemberLine member) {}

    /** Who is signed in, for the header, and the token its sign-out form carries. */
    public record MemberLine(String email, String role, String orgName, String planName, String csrf) {}

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
}
