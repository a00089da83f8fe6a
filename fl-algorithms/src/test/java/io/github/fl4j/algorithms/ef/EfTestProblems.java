package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.DeclaredCompressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared float64 problems and runners for the error-feedback tests. */
final class EfTestProblems {
    private EfTestProblems() {
    }

    /** n clients of least squares in dimension d with m random Gaussian rows each (seeded). */
    static FederatedDataset randomLeastSquares(int n, int d, int m, long seed) {
        RandomStream rng = new RandomStream(seed);
        List<Dataset> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            INDArray a = Nd4j.zeros(DataType.DOUBLE, m, d);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, m, 1);
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < d; j++) {
                    a.putScalar(r, j, rng.nextGaussian() + 0.3 * i);
                }
                y.putScalar(r, 0, rng.nextGaussian() * (1 + i));
            }
            clients.add(new Dataset(a, y));
        }
        return new FederatedDataset(clients, clients.get(0));
    }

    /** Runs a full-participation float64 simulation with one thread and returns the final parameters. */
    static <S, C> INDArray run(FederatedAlgorithm<S, C> alg, Model model, FederatedDataset data, Compressor uplink,
                               INDArray x0, int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(data.clientCount())
                .threads(1).seed(11).evalEvery(rounds).precision(Precision.FLOAT64).build();
        return Simulation.builder(alg).config(cfg).model(model).data(data).uplinkCompressor(uplink)
                .initialParameters(x0).build().run().finalParameters();
    }

    /**
     * Plain gradient descent on f = (1/n) sum_i f_i: g = 0; for i in id order g += (1/n) grad f_i(x); x -= gamma g,
     * the same BLAS operations in the same order as the servers' aggregation.
     */
    static INDArray gradientDescent(Model model, FederatedDataset data, INDArray x0, double gamma, int rounds) {
        int n = data.clientCount();
        INDArray x = x0.dup();
        INDArray g = Nd4j.zeros(DataType.DOUBLE, x0.length());
        INDArray gi = Nd4j.zeros(DataType.DOUBLE, x0.length());
        for (int t = 0; t < rounds; t++) {
            Tensors.fillZero(g);
            for (int i = 0; i < n; i++) {
                model.lossAndGradient(x, data.client(i), gi);
                Tensors.axpy(1.0 / n, gi, g);
            }
            Tensors.axpy(-gamma, g, x);
        }
        return x;
    }

    /** An unbiased (unscaled) compressor stand-in: declares unbiased(omega); never used to compress. */
    static Compressor unbiased(double omega) {
        return new DeclaredCompressor("test-randk-unscaled", CompressionClass.unbiased(omega));
    }

    /** The raw bits of a vector, for exact comparisons. */
    static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    static LeastSquares leastSquares(int d) {
        return new LeastSquares(d);
    }
}
