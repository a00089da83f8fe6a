/** Memory checks of the engine: streaming aggregation against the collecting path. */
package io.github.fl4j.benchmarks.memory;
