# PyTorch's figures for `npm run bench` (run only when `import torch` works): Basic_CNN as in
# the Keras tutorial (glorot-uniform kernels, zero biases, Adam 1e-3 with epsilon 1e-7), batch 32,
# training img/s (median of chunks of 5 steps after 5 warm-up steps) at each thread count, the
# counts interleaved round by round, and single-image inference. Prints one JSON object.
# At each count both of PyTorch's pools run that many threads: its own (OpenMP, oneDNN's
# convolutions) and the BLAS's (the dense layers), which OPENBLAS_NUM_THREADS would fix only
# at start-up; OpenBLAS is told through its own call.
#   python3 bench_torch.py DATA_DIR [THREADS=1,2] [SECONDS=8]
#   python3 bench_torch.py --probe      {"torch": version, "blas": "OpenBLAS 0.3.21 …" or null}
import ctypes
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn



def openblas():
    """The OpenBLAS library this process has loaded, or None (e.g. Debian's reference BLAS)."""
    torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "libopenblas" in line}
    if not paths:
        return None
    lib = ctypes.CDLL(sorted(paths)[0])
    lib.openblas_get_config.restype = ctypes.c_char_p
    return lib


if sys.argv[1] == "--probe":
    blas = openblas()
    print(json.dumps({"torch": torch.__version__, "blas": blas.openblas_get_config().decode() if blas else None}))
    sys.exit(0)

blas = openblas()


def set_threads(t):
    torch.set_num_threads(t)
    if blas:
        blas.openblas_set_num_threads(t)


data_dir = sys.argv[1]
counts = [int(t) for t in (sys.argv[2] if len(sys.argv) > 2 else "1,2").split(",")]
budget = float(sys.argv[3]) if len(sys.argv) > 3 else 8.0
STEPS, WARMUP, BATCH = 5, 5, 32


def idx(name, offset):
    with open(f"{data_dir}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


images = torch.from_numpy(idx("train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
labels = torch.from_numpy(idx("train-labels-idx1-ubyte", 8).astype(np.int64))

torch.manual_seed(1)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2), nn.Dropout(0.25),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
    nn.Linear(3136, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))
for layer in model:
    if isinstance(layer, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()
position = 0


def step():
    global position
    x, y = images[position:position + BATCH], labels[position:position + BATCH]
    position = (position + BATCH) % (len(images) - BATCH)
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()


model.train()
for t in counts:
    set_threads(t)
    for _ in range(WARMUP):
        step()
rates = {t: [] for t in counts}
cpu_rates = {t: [] for t in counts}  # per second of this thread's CPU time: at 1 thread it does all the work
start = time.perf_counter()
rounds = 0
while rounds < 2 or (time.perf_counter() - start < budget and rounds < 40):
    for t in counts:
        set_threads(t)
        for _ in range(2):
            t0, cpu0 = time.perf_counter(), time.thread_time()
            for _ in range(STEPS):
                step()
            rates[t].append(STEPS * BATCH / (time.perf_counter() - t0))
            cpu_rates[t].append(STEPS * BATCH / (time.thread_time() - cpu0))
    rounds += 1

model.eval()
predict = {}
with torch.no_grad():
    for t in counts:
        set_threads(t)
        ms = []
        for i in range(220):
            x = images[i:i + 1]
            t0 = time.perf_counter()
            model(x)
            if i >= 20:
                ms.append((time.perf_counter() - t0) * 1e3)
        predict[str(t)] = {"ms": statistics.median(ms), "samples": len(ms)}

print(json.dumps({
    "engine": "pytorch", "version": torch.__version__,
    "blas": blas.openblas_get_config().decode() if blas else "not OpenBLAS (reference BLAS?)",
    "train": {str(t): {"threads": t, "img_per_s": statistics.median(rates[t]), "chunks": rates[t],
                       "steps_per_chunk": STEPS, "batch": BATCH,
                       **({"cpu_img_per_s": statistics.median(cpu_rates[t])} if t == 1 else {})} for t in counts},
    "predict": predict,
}))
