package io.tunetrail.model;

/** Where and during what the interaction happened. */
public record InteractionContext(Device device, Activity activity) {
    public static final InteractionContext UNKNOWN = new InteractionContext(Device.OTHER, Activity.NONE);

    public InteractionContext {
        // Absent on the wire means the schema's defaults: {"device":"mobile"} alone is a valid context, and the
        // streaming jobs read both fields.
        if (device == null) {
            device = Device.OTHER;
        }
        if (activity == null) {
            activity = Activity.NONE;
        }
    }
}
