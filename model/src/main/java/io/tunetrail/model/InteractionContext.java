package io.tunetrail.model;

/** Where and during what the interaction happened. */
public record InteractionContext(Device device, Activity activity) {
    public static final InteractionContext UNKNOWN = new InteractionContext(Device.OTHER, Activity.NONE);
}
