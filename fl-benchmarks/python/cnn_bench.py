#!/usr/bin/env python3
"""Same-workload PyTorch timings for fl4j's CNN benchmark (CnnBenchmark).

Workloads (float32, CPU, one thread, synthetic MNIST-shaped data, plain SGD lr=0.05):
  step  - one training step of McMahan et al.'s MNIST CNN at batch 32 (forward, backward, SGD update);
  round - one FedAvg round: 10 clients, each copies the global weights, runs 5 steps of batch 32 on its own 320
          samples, and the server averages the 10 results (equal weights).

Usage: cnn_bench.py <workload> <repetitions> [warm-up]
Prints one line per repetition: "<workload> <seconds>". The Java benchmark runs this script and its own side in
turns and compares medians, so only same-run ratios are reported.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(1)


class McMahanCnn(nn.Module):
    """conv5x5 32 'same' - ReLU - maxpool 2 - conv5x5 64 'same' - ReLU - maxpool 2 - dense 512 - ReLU - dense 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(7 * 7 * 64, 512)
        self.fc2 = nn.Linear(512, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


BATCH = 32
CLIENTS = 10
STEPS = 5
LR = 0.05


def sgd_step(model, x, y):
    model.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(p.grad, alpha=-LR)
    return loss.item()


def main():
    workload = sys.argv[1]
    reps = int(sys.argv[2])
    warm = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    model = McMahanCnn()
    if workload == "step":
        x = torch.rand(BATCH, 1, 28, 28)
        y = torch.randint(0, 10, (BATCH,))
        for _ in range(warm):
            sgd_step(model, x, y)
        for _ in range(reps):
            t0 = time.perf_counter()
            sgd_step(model, x, y)
            print("step %.9f" % (time.perf_counter() - t0), flush=True)
    elif workload == "round":
        xs = [torch.rand(STEPS * BATCH, 1, 28, 28) for _ in range(CLIENTS)]
        ys = [torch.randint(0, 10, (STEPS * BATCH,)) for _ in range(CLIENTS)]
        global_state = [p.detach().clone() for p in model.parameters()]
        local = McMahanCnn()

        def one_round():
            sums = [torch.zeros_like(p) for p in global_state]
            for c in range(CLIENTS):
                with torch.no_grad():
                    for p, g in zip(local.parameters(), global_state):
                        p.copy_(g)
                for s in range(STEPS):
                    sgd_step(local, xs[c][s * BATCH:(s + 1) * BATCH], ys[c][s * BATCH:(s + 1) * BATCH])
                with torch.no_grad():
                    for acc, p in zip(sums, local.parameters()):
                        acc.add_(p)
            with torch.no_grad():
                for g, acc in zip(global_state, sums):
                    g.copy_(acc / CLIENTS)

        for _ in range(max(1, warm // 3)):
            one_round()
        for _ in range(reps):
            t0 = time.perf_counter()
            one_round()
            print("round %.9f" % (time.perf_counter() - t0), flush=True)
    else:
        raise SystemExit("unknown workload " + repr(workload) + " (step or round)")


if __name__ == "__main__":
    main()
