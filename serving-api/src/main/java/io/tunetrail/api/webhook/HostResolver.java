package io.tunetrail.api.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a webhook's host name into the addresses it would be sent to. Production asks the system resolver; tests map
 * their own names to the addresses under test, so no test ever looks a name up in real DNS or sends a packet off the
 * machine.
 */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** Every address of {@code host} (a name, never an IP literal: those are parsed without asking a resolver). */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
