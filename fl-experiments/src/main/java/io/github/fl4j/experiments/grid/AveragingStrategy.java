package io.github.fl4j.experiments.grid;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.FederatedAlgorithm;
import java.util.function.Function;

/**
 * A synchronous strategy whose server averages the uploads (FedAvg, FedProx, SCAFFOLD, FedAvg with error feedback):
 * built per run with the run's {@link Aggregator} from the grid's aggregator axis, and, when its local training is
 * known, turned into DP-FedAvg by the privacy axis ({@link PrivacySetting}).
 *
 * <pre>{@code
 * AveragingStrategy.of(a -> FedAvg.builder().localSteps(10, 10).localLearningRate(0.05).aggregator(a).build(),
 *     LocalTraining.steps(10, 10), 0.05)
 * }</pre>
 *
 * @param withAggregator    the algorithm with an aggregator; {@code null} stands for the strategy's own (its
 *                          default weighted mean), so the function must accept it (builders' {@code aggregator(null)}
 *                          keeps their default)
 * @param training          the strategy's local training (what DP-FedAvg reuses), or null when unknown
 * @param localLearningRate the strategy's local learning rate (NaN when unknown)
 */
public record AveragingStrategy(Function<Aggregator, ? extends FederatedAlgorithm<?, ?>> withAggregator,
                                LocalTraining training, double localLearningRate) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException when {@code withAggregator} is null, or the training is given without a
     *                                  positive learning rate
     */
    public AveragingStrategy {
        if (withAggregator == null) {
            throw new IllegalArgumentException("withAggregator must not be null");
        }
        if (training != null && !(localLearningRate > 0 && Double.isFinite(localLearningRate))) {
            throw new IllegalArgumentException("localLearningRate must be a positive number with a local training, "
                    + "was " + localLearningRate);
        }
    }

    /** A strategy that takes any aggregator and whose local training is {@code training} at {@code learningRate}. */
    public static AveragingStrategy of(Function<Aggregator, ? extends FederatedAlgorithm<?, ?>> withAggregator,
                                       LocalTraining training, double learningRate) {
        return new AveragingStrategy(withAggregator, training, learningRate);
    }

    /** A strategy that takes any aggregator but cannot be turned into DP-FedAvg (its local training is unknown). */
    public static AveragingStrategy of(Function<Aggregator, ? extends FederatedAlgorithm<?, ?>> withAggregator) {
        return new AveragingStrategy(withAggregator, null, Double.NaN);
    }

    /** The algorithm with {@code aggregator} (null: the strategy's own). */
    public FederatedAlgorithm<?, ?> create(Aggregator aggregator) {
        FederatedAlgorithm<?, ?> a = withAggregator.apply(aggregator);
        if (a == null) {
            throw new IllegalStateException("the strategy built no algorithm (null) for aggregator " + aggregator);
        }
        return a;
    }
}
