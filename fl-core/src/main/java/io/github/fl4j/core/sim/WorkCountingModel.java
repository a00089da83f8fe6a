package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model seen by one client task, counting the training samples of its gradient evaluations (the local work that a
 * simulation with time turns into compute time). Loss-only calls are not counted. One instance per task.
 */
final class WorkCountingModel implements Model {
    private final Model model;
    private long samples;

    WorkCountingModel(Model model) {
        this.model = model;
    }

    long samples() {
        return samples;
    }

    @Override
    public long dimension() {
        return model.dimension();
    }

    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        model.initialParameters(rng, out);
    }

    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        samples += batch.size();
        return model.lossAndGradient(params, batch, gradientOut);
    }

    @Override
    public double sgdStep(INDArray params, Dataset batch, double learningRate, INDArray gradientScratch) {
        samples += batch.size();
        return model.sgdStep(params, batch, learningRate, gradientScratch);
    }

    @Override
    public double loss(INDArray params, Dataset batch) {
        return model.loss(params, batch);
    }

    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return model.evaluate(params, data);
    }

    @Override
    public long releaseScratch() {
        return model.releaseScratch();
    }

    @Override
    public String toString() {
        return model.toString();
    }
}
