package io.elector.cli.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Nearest-rank percentiles of a list of millisecond samples. */
final class Percentiles {
    private final List<Double> sorted;

    Percentiles(List<Double> samples) {
        this.sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
    }

    int count() {
        return sorted.size();
    }

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100); NaN when there are no samples. */
    double at(double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double min() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(0);
    }

    double max() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.1f", v);
    }
}
