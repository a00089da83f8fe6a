/**
 * Federated data: in-memory datasets, their split among clients, synthetic benchmarks and minibatch sampling.
 *
 * <h2>Data model</h2>
 * <ul>
 *   <li>{@link io.github.fl4j.core.data.Dataset}: a feature matrix [m, p] (one sample per row, c-order) and a label
 *       column [m, 1], both float32 or float64 ({@link io.github.fl4j.core.tensor.Precision}). A minibatch is also a
 *       {@code Dataset}. The features are dense, or rows of a shared {@link io.github.fl4j.core.data.CsrMatrix}
 *       ({@link io.github.fl4j.core.data.Dataset#sparse}): row ranges and index lists of one matrix, so that the
 *       clients, partitions and minibatches of sparse data are views, never copies. A sparse dataset that the models
 *       pass over again builds its column index once ({@link io.github.fl4j.core.data.SparseColumns}), for the
 *       column kernels of full gradients, and, where the SIMD kernels run, its lane layout
 *       ({@link io.github.fl4j.core.data.LaneIndex}).</li>
 *   <li>{@link io.github.fl4j.core.data.FederatedData}: what the engines see of a federated population: the number
 *       of clients, each client's size and label histogram without loading it, its dataset on demand, and one
 *       held-out test set on which the server model is evaluated; all of one precision and feature count. The engines
 *       load a client only when it participates.</li>
 *   <li>{@link io.github.fl4j.core.data.FederatedDataset}: the eager form: the datasets of clients 0..N-1 (none
 *       empty) in memory.</li>
 *   <li>Lazy forms: {@link io.github.fl4j.core.data.LazySyntheticFedProx} (each client generated from its own keyed
 *       stream when asked), {@link io.github.fl4j.core.data.IndexPartition} (a partition of one shared dataset as
 *       index arrays; rows gathered when asked), and {@link io.github.fl4j.core.data.CachedFederatedData} (a bounded
 *       LRU cache of loaded clients in front of either).</li>
 *   <li>{@link io.github.fl4j.core.data.Partitioners}: splitting a centralised dataset among clients: IID, Dirichlet
 *       label skew, McMahan's shards, log-normal quantity skew, contiguous chunks in file order (the EF21 split), and
 *       index files (to replay another tool's split); {@link io.github.fl4j.core.data.PartitionReport} gives per-client
 *       sizes and label histograms.</li>
 *   <li>{@link io.github.fl4j.core.data.SyntheticFedProx}: the Synthetic(alpha, beta) benchmark of FedProx.</li>
 *   <li>Loaders in {@code io.github.fl4j.core.data.io}: IDX (MNIST, Fashion-MNIST), CIFAR-10, LEAF (FEMNIST,
 *       Shakespeare, Sent140), LIBSVM, CSV, and a checked downloader.</li>
 *   <li>{@link io.github.fl4j.core.data.MinibatchSampler}: epochs of shuffled minibatches of one client's data,
 *       written into reused buffers, optionally transformed by an augmentation of {@code core.data.image}.</li>
 * </ul>
 *
 * <h2>Label conventions</h2>
 * Labels are stored as floating-point values in the dataset's precision, and their meaning is the model's: a class
 * index 0..k-1 (an exact small integer) for softmax models, -1/+1 for binary logistic regression, a real target for
 * least squares. {@code SyntheticFedProx} produces class indices.
 *
 * <h2>Immutability and sharing</h2>
 * Datasets are immutable by contract: fl4j never writes into a dataset's arrays, and callers must not once it is
 * shared, so client datasets can be read by concurrently running client tasks without copies. The one exception to
 * "a dataset stays valid" is a batch returned by {@code MinibatchSampler.next()}, which wraps the sampler's buffers
 * and is valid only until the sampler's next call. Partitioners return copies of the selected rows; an
 * {@code IndexPartition} returns a fresh copy of a client's rows each time it is loaded.
 *
 * <h2>Randomness</h2>
 * Every random choice draws from a {@link io.github.fl4j.core.random.RandomStream} passed in, never from a global
 * generator: {@code Purpose.PARTITION} for partitions, {@code Purpose.DATA_GENERATION} for synthetic data (round 0, client k for
 * lazy synthetic client k) and
 * {@code Purpose.LOCAL_DATA_ORDER} (per round and client) for minibatch order, {@code Purpose.AUGMENTATION} (per round
 * and client) for the augmentation of training minibatches. Each class documents its exact draws,
 * so the data of a simulation is a stable function of its root seed.
 */
package io.github.fl4j.core.data;
