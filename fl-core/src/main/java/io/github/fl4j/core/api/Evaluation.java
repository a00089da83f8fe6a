package io.github.fl4j.core.api;

/**
 * The result of evaluating a model on a dataset: the mean loss and, for classifiers, the accuracy (NaN for
 * regression models).
 *
 * @param loss     mean loss over the samples (the model's objective without regulariser unless the model says so)
 * @param accuracy fraction of correctly classified samples in [0, 1], or NaN when not a classifier
 * @param samples  number of samples evaluated
 */
public record Evaluation(double loss, double accuracy, int samples) {
}
