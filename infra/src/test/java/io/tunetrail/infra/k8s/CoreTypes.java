package io.tunetrail.infra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes core types, checked by the Kubernetes Java client's models (io.kubernetes:client-java-api 24.0.0, the
 * Kubernetes 1.32 API): their {@code validateJsonElement} refuses a field the type does not have and a value of the
 * wrong JSON kind, recursively, and deserialising then refuses numbers that are not numbers.
 */
public final class CoreTypes {
    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    /** API groups whose types client-java models (the built-in groups; "" is the core group). */
    private static final Set<String> BUILT_IN_GROUPS = Set.of("", "apps", "batch", "autoscaling", "policy",
            "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io");

    private CoreTypes() {}

    /** The model class of a built-in apiVersion and kind ({@code apps/v1 Deployment} is {@code V1Deployment}). */
    public static Optional<String> modelOf(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        if (!BUILT_IN_GROUPS.contains(group) || version.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(version.substring(0, 1).toUpperCase(Locale.ROOT) + version.substring(1) + kind);
    }

    /** Null when {@code value} is a valid {@code model} (a simple name such as {@code V1EnvVar}), else the reason. */
    public static String problem(JsonNode value, String model) {
        Class<?> type;
        try {
            type = Class.forName(MODELS + model);
        } catch (ClassNotFoundException e) {
            return "no Kubernetes type " + model + " (client-java-api has no model of that name)";
        }
        String json = value.toString();
        try {
            JsonElement element = JsonParser.parseString(json);
            Method validate = type.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, element);
            // Types of numbers and quantities are checked only when the value is read.
            type.getMethod("fromJson", String.class).invoke(null, json);
            return null;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            return cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("client-java-api's model " + model + " has no validateJsonElement/fromJson", e);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        // The models quote the whole object after "JSON:"; the field name is what matters.
        int json = message.indexOf(" JSON: ");
        String head = json > 0 ? message.substring(0, json) : message;
        return head.lines().findFirst().orElse(head);
    }
}
