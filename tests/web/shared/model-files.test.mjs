// web/shared/model-files.js: the one reader of a TF.js model's weightsManifest, for the page (files
// chosen or dropped) and the workers (the shipped model, the learned filters).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readManifest, shardPaths, readWeights, convKernels, concatBytes, metadataOf } from '../../../web/shared/model-files.js';

const shipped = new URL('../../../public/models/basic-cnn/', import.meta.url);
const modelJson = fs.readFileSync(new URL('model.json', shipped), 'utf8');
const weights = new Uint8Array(fs.readFileSync(new URL('weights.bin', shipped)));

describe('model files', () => {
  it('reads the manifest and its shards', () => {
    const { manifest } = readManifest(modelJson);
    assert.deepEqual(shardPaths(manifest), ['weights.bin']);
    assert.equal(manifest[0].weights.length, 12); // a kernel and a bias for each of 4 convolutions and 2 dense layers
  });

  it('refuses what is not a TF.js Layers model.json, naming the file', () => {
    assert.throws(() => readManifest(modelJson.slice(0, 500), 'model.json'), /^Error: model.json is not valid JSON \(.+\)\.$/);
    assert.throws(() => readManifest('{"modelTopology": {}}', 'mine.json'), /mine.json has no weightsManifest: it is not a TensorFlow.js layers model/);
  });

  it('reads the weights by name, and refuses too few bytes', () => {
    const all = readWeights(modelJson, weights);
    assert.deepEqual(all.get('conv2d/kernel').shape, [3, 3, 1, 32]);
    assert.equal([...all.values()].reduce((n, w) => n + w.data.length, 0), 1_676_266);
    assert.equal(all.get('conv2d/kernel').data[5], new Float32Array(weights.buffer, weights.byteOffset, 6)[5]);
    assert.throws(() => readWeights(modelJson, weights.subarray(0, 1000)), /weight conv2d\/kernel runs past the end of the weights \(1000 bytes\)/);
  });

  it('gives the kernels of the first convolutions, for the filters view', () => {
    const kernels = convKernels(modelJson, weights, 2);
    assert.deepEqual(kernels.map((k) => [k.name, k.shape]), [['conv2d', [3, 3, 1, 32]], ['conv2d_1', [3, 3, 32, 32]]]);
  });

  it('lays shards end to end, and reads a model\'s metadata', () => {
    assert.deepEqual(concatBytes([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]), new Uint8Array([1, 2, 3]));
    assert.deepEqual(metadataOf('{"userDefinedMetadata": {"test_accuracy": 0.99}}'), { test_accuracy: 0.99 });
    assert.deepEqual(metadataOf('not json'), {});
  });
});
