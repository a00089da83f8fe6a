package io.github.fl4j.core.time;

/**
 * A staleness weight s(tau) &gt; 0 for an update computed on a model tau server versions old (tau &gt;= 0), used by the
 * asynchronous algorithms to damp stale updates.
 */
public interface StalenessFunction {

    /** s(tau), tau &gt;= 0. */
    double weight(long staleness);

    /** The function with its parameters, e.g. {@code polynomial(a=0.5)}. */
    String describe();
}
