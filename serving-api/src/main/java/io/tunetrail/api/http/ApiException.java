package io.tunetrail.api.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal the API sends to its caller: an HTTP status and the JSON body that explains it. Created only by
 * {@link ApiErrors}; turned into a response only by {@link ErrorResponses}.
 *
 * <p>Most errors are RFC 9457 problem details ({@code type, title, status, detail}, plus our machine-readable
 * {@code code} and, for bad input, the failing {@code field}). The plan-upgrade (402) and usage-limit (429) refusals
 * have the fixed bodies customers' apps parse, and carry them in {@link #body()} as they are.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String title;
    private final String field;
    private final transient Map<String, Object> body;
    private final transient Map<String, String> headers;
    private final transient Map<String, Object> extensions;

    ApiException(int status, String code, String title, String detail, String field, Map<String, Object> body,
            Map<String, String> headers) {
        this(status, code, title, detail, field, body, headers, Map.of());
    }

    /** A problem document with extension members (RFC 9457 §3.2) after the standard ones, e.g. a cost cap's figures. */
    ApiException(int status, String code, String title, String detail, String field, Map<String, Object> body,
            Map<String, String> headers, Map<String, Object> extensions) {
        super(detail);
        this.extensions = extensions;
        this.status = status;
        this.code = code;
        this.title = title;
        this.field = field;
        this.body = body;
        this.headers = headers == null ? Map.of() : headers;
    }

    public int status() {
        return status;
    }

    /** Machine-readable reason, e.g. {@code invalid_field}, {@code missing_api_key}. */
    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** The request field at fault (JSON path, query or path parameter), or null. */
    public String field() {
        return field;
    }

    /** Extra response headers (Retry-After, RateLimit-*). */
    public Map<String, String> headers() {
        return headers;
    }

    /** True when {@link #body()} is a fixed, non-problem body (402, quota 429). */
    public boolean hasFixedBody() {
        return body != null;
    }

    /** The response body: the fixed body, or the problem document. */
    public Map<String, Object> body() {
        if (body != null) {
            return body;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://tunetrail.io/problems/" + code.replace('_', '-'));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", getMessage());
        problem.put("code", code);
        if (field != null) {
            problem.put("field", field);
        }
        problem.putAll(extensions);
        return problem;
    }
}
