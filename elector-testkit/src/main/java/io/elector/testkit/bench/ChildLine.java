package io.elector.testkit.bench;

import java.util.Arrays;

/**
 * A line a benchmark's child process printed: which child ({@code child}, the parent's index for
 * it), its first word ({@code kind}, e.g. {@code READY}, {@code ELECTED}), when the parent read it
 * ({@code at}, the parent's {@link System#nanoTime()}), and the whole line ({@code text}).
 */
public record ChildLine(int child, String kind, long at, String text) {
    /** The words after the first, as numbers (e.g. the counters of a {@code STATS} line). */
    public long[] numbers() {
        String[] words = text.split(" ");
        return Arrays.stream(words, 1, words.length).mapToLong(Long::parseLong).toArray();
    }
}
