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

    public record Overview(Frame frame, String orgName, String planName, boolean quotasEnforced, List<UsageRow> usage, String dayResetsAt,
            String monthResetsAt) {}

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
}
