package io.tunetrail.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A verb that only groups subcommands ({@code admin}, {@code admin org}, {@code bench}, ...). Run alone it is a usage
 * error (exit 2) naming its subcommands, read from picocli's model so the list cannot go stale: the hand-written lists
 * it replaces did ({@code admin} named four of its six).
 */
public abstract class CommandGroup implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() {
        List<String> names = List.copyOf(spec.subcommands().keySet());
        String choices = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new ParameterException(spec.commandLine(), "say what to do: " + choices);
    }
}
