package io.tunetrail.api.testing;

import io.tunetrail.api.webhook.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver for tests: names map to the addresses under test, given as literals (parsed, never looked up), and a
 * name can answer differently on successive lookups (DNS rebinding). An unknown name fails like an NXDOMAIN: no test
 * ever asks real DNS.
 */
public final class TestResolver implements HostResolver {
    private final Map<String, List<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** {@code host} resolves to {@code addresses} on every lookup. */
    public TestResolver answer(String host, String... addresses) {
        answers.put(host, List.of(parse(addresses)));
        return this;
    }

    /** {@code host} resolves to {@code first} once, then to {@code then} on every later lookup. */
    public TestResolver rebinding(String host, String first, String then) {
        answers.put(host, List.of(parse(first), parse(then)));
        return this;
    }

    /** How many times {@code host} was looked up. */
    public int calls(String host) {
        AtomicInteger n = calls.get(host);
        return n == null ? 0 : n.get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        int call = calls.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
        List<List<InetAddress>> sequence = answers.get(host);
        if (sequence == null) {
            throw new UnknownHostException(host + " (unknown to the test resolver)");
        }
        return sequence.get(Math.min(call, sequence.size() - 1));
    }

    private static List<InetAddress> parse(String... literals) {
        List<InetAddress> out = new ArrayList<>();
        for (String literal : literals) {
            if (!literal.matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException(literal + " is not an IP literal");
            }
            try {
                out.add(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(literal, e);
            }
        }
        return out;
    }
}
