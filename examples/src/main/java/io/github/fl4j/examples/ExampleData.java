package io.github.fl4j.examples;

import io.github.fl4j.core.data.io.MnistDatasets;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the examples get MNIST and Fashion-MNIST: the folder argument if given ({@code mnist=FOLDER}, or
 * {@code data=FOLDER}), else {@link MnistDatasets}: the system property ({@code -Dfl4j.mnist=FOLDER}) or environment
 * variable ({@code FL4J_MNIST}), else the verified download cache {@code ~/.fl4j/datasets/mnist}, else a download into
 * it. Offline, the error message gives the curl commands and the folder for the four files.
 */
final class ExampleData {
    private ExampleData() {
    }

    /** The MNIST folder: argument {@code mnist=FOLDER}, else found or downloaded by {@link MnistDatasets}. */
    static Path mnist(Args a) throws IOException {
        return folder(a, MnistDatasets.Variant.MNIST);
    }

    /** The dataset chosen by {@code dataset=mnist|fashion-mnist} (default mnist). */
    static MnistDatasets.Variant variant(Args a) {
        return MnistDatasets.Variant.parse(a.value("dataset", "mnist"));
    }

    /** The folder of {@code variant}: argument {@code data=FOLDER} or {@code mnist=FOLDER}, else found/downloaded. */
    static Path folder(Args a, MnistDatasets.Variant variant) throws IOException {
        String given = a.value("data", a.value("mnist", null));
        return MnistDatasets.resolve(variant, given == null ? null : Path.of(given));
    }
}
