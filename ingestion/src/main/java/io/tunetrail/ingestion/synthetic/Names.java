package io.tunetrail.ingestion.synthetic;

import java.util.SplittableRandom;

/** Made-up but plausible names for artists, albums and tracks, drawn from small word lists. */
final class Names {
    private Names() {}

    private static final String[] ADJECTIVES = {
        "Velvet", "Electric", "Golden", "Silent", "Neon", "Crimson", "Hollow", "Midnight", "Paper", "Wild",
        "Broken", "Lucky", "Quiet", "Burning", "Frozen", "Northern", "Lost", "Bright", "Young", "Distant",
        "Sweet", "Restless", "Purple", "Faded", "Second", "Empty", "Gentle", "Heavy", "Secret", "Blue"};
    private static final String[] NOUNS = {
        "Harbor", "Echo", "River", "Garden", "Signal", "Mirror", "Horizon", "Engine", "Lantern", "Tide",
        "Comet", "Avenue", "Forest", "Window", "Satellite", "Desert", "Shadow", "Fever", "Machine", "Island",
        "Winter", "Thunder", "Highway", "Ocean", "Letter", "Circle", "Parade", "Ember", "Canyon", "Orchid"};
    private static final String[] PLURALS = {
        "Foxes", "Wolves", "Strangers", "Pilots", "Lovers", "Ghosts", "Giants", "Kids", "Saints", "Robots",
        "Sparrows", "Drifters", "Hearts", "Tigers", "Rebels", "Dreamers"};
    private static final String[] FIRST = {
        "Ava", "Leo", "Maya", "Noah", "Zoe", "Eli", "Nina", "Omar", "Iris", "Theo", "Lena", "Kai", "Mila", "Jonas",
        "Sofia", "Ravi", "Yuki", "Marco", "Chloe", "Amir", "Lucia", "Felix", "Hana", "Diego"};
    private static final String[] LAST = {
        "Rivers", "Stone", "Vega", "Park", "Moreau", "Okafor", "Lindqvist", "Tanaka", "Novak", "Reyes", "Hale",
        "Fischer", "Adeyemi", "Costa", "Byrne", "Sato", "Kowalski", "Marin", "Quinn", "Laurent"};
    private static final String[] PREFIXES = {"DJ", "MC", "Lil", "Young", "Big"};

    static String artist(SplittableRandom r) {
        switch (r.nextInt(5)) {
            case 0:
                return "The " + pick(r, ADJECTIVES) + " " + pick(r, PLURALS);
            case 1:
                return pick(r, FIRST) + " " + pick(r, LAST);
            case 2:
                return pick(r, PREFIXES) + " " + pick(r, NOUNS);
            case 3:
                return pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
            default:
                return pick(r, NOUNS) + " " + pick(r, PLURALS);
        }
    }

    static String album(SplittableRandom r) {
        return r.nextInt(3) == 0 ? pick(r, NOUNS) + "s" : pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
    }

    static String track(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0:
                return pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
            case 1:
                return "The " + pick(r, NOUNS) + " of " + pick(r, NOUNS) + "s";
            case 2:
                return pick(r, NOUNS);
            default:
                return pick(r, ADJECTIVES) + " " + pick(r, NOUNS) + " (" + pick(r, ADJECTIVES) + " Mix)";
        }
    }

    private static String pick(SplittableRandom r, String[] words) {
        return words[r.nextInt(words.length)];
    }
}
