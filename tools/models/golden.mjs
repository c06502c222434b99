// Writes the golden feature vectors that src/embed/cnn_model_test.cc checks the C++ models
// against: tests/data/embed/golden_mobilenet.json and golden_inception.json.
//
// Usage: node tools/models/golden.mjs [--reuse DIR]
//
// The reference is nsfwjs itself: its own loader and preprocessing (NSFWJS.infer(image,
// 'flatten_1'): uint8 RGB -> float32 / 255 -> the model up to flatten_1) on TensorFlow.js's pure
// JavaScript CPU backend. Both packages are installed with npm into a temporary folder (or DIR,
// kept for reuse), never into the repository.
//
// Inputs are drawn by integer-only formulas (below, and mirrored in cnn_model_test.cc), so C++
// regenerates the same bytes; each golden entry records the SHA-256 of its RGB bytes to prove it.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['nsfwjs@4.4.0', '@tensorflow/tfjs@4.22.0'];
const FEATURE_LAYER = 'flatten_1';
const MODELS = [
  { name: 'mobilenet', nsfwjsName: 'MobileNetV2', side: 224, dim: 1280 },
  { name: 'inception', nsfwjsName: 'InceptionV3', side: 299, dim: 2048 },
];
const SIGNIFICANT_DIGITS = 7;  // well below the test's 1e-3 tolerance; keeps each file < 50 KB

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message) {
  console.error(`golden: ${message}`);
  process.exit(1);
}

// ---- Input images. Integer arithmetic only (all operands non-negative, so C++'s truncating
// division equals Math.floor); `s` is the side, x and y run over 0 .. s-1. ----

// Smooth colour gradients with a diagonal stripe, a disc and a rectangle on top.
function gradientShapesV1(s, x, y) {
  const cx = Math.floor((3 * s) / 10);
  const cy = Math.floor((7 * s) / 20);
  const r = Math.floor((3 * s) / 20);
  if (x >= Math.floor((11 * s) / 20) && x < Math.floor((17 * s) / 20) &&
      y >= Math.floor((11 * s) / 20) && y < Math.floor((3 * s) / 4)) {
    return [20, 20, 20];
  }
  if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) return [250, 220, 40];
  if (Math.abs(x - y - Math.floor(s / 5)) < Math.floor(s / 40)) return [30, 60, 200];
  return [
    Math.floor((255 * x) / (s - 1)),
    Math.floor((255 * y) / (s - 1)),
    Math.floor((255 * (2 * (s - 1) - x - y)) / (2 * (s - 1))),
  ];
}

// A figure-like chart on white: a text-like hatched block, axes, a parabola, five coloured bars.
function chartV1(s, x, y) {
  const left = Math.floor(s / 10);
  const right = Math.floor((9 * s) / 10);
  const top = Math.floor(s / 10);
  const bottom = Math.floor((9 * s) / 10);
  if (x >= Math.floor((13 * s) / 20) && x < Math.floor((17 * s) / 20) && y >= top &&
      y < Math.floor(s / 5)) {
    return (Math.floor(x / 3) + Math.floor(y / 3)) % 2 === 0 ? [60, 60, 60] : [255, 255, 255];
  }
  if (x >= left && x < left + 2 && y >= top && y < bottom) return [0, 0, 0];
  if (y >= bottom - 2 && y < bottom && x >= left && x < right) return [0, 0, 0];
  if (x >= left && x < right) {
    const dx = Math.abs(x - Math.floor(s / 2));
    const curve = Math.floor(s / 5) + Math.floor((3 * dx * dx) / (5 * s));
    if (Math.abs(y - curve) <= 1) return [90, 90, 90];
  }
  const colours = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189]];
  for (let i = 0; i < 5; ++i) {
    const x0 = left + 6 + Math.floor((i * s) / 7);
    const height = Math.floor(((i + 1) * s * 13) / 100);
    if (x >= x0 && x < x0 + Math.floor(s / 12) && y >= bottom - 2 - height && y < bottom - 2) {
      return colours[i];
    }
  }
  return [255, 255, 255];
}

const FORMULAS = { gradient_shapes_v1: gradientShapesV1, chart_v1: chartV1 };

function drawImage(formula, side) {
  const pixels = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; ++y) {
    for (let x = 0; x < side; ++x) pixels.set(FORMULAS[formula](side, x, y), (y * side + x) * 3);
  }
  return pixels;
}

// ---- Reference run ----

function installReference(folder) {
  if (fs.existsSync(path.join(folder, 'node_modules', 'nsfwjs', 'package.json'))) return;
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), '{"private": true}\n');
  console.log(`golden: npm install ${PACKAGES.join(' ')} into ${folder}`);
  const npm = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund',
    '--loglevel=error', ...PACKAGES], { cwd: folder, stdio: 'inherit' });
  if (npm.status !== 0) fail('npm install failed (is the npm registry reachable?)');
}


function round(value) {
  return Number(value.toPrecision(SIGNIFICANT_DIGITS));
}

async function goldenFor(model, tf, nsfwjs) {
  const classifier = await nsfwjs.load(model.nsfwjsName, { size: model.side });
  const inputs = [];
  for (const formula of Object.keys(FORMULAS)) {
    const pixels = drawImage(formula, model.side);
    const image = tf.tensor3d(Int32Array.from(pixels), [model.side, model.side, 3], 'int32');
    const output = classifier.infer(image, FEATURE_LAYER);
    const features = Array.from(await output.data());
    tf.dispose([image, output]);
    if (features.length !== model.dim) fail(`${model.name}: ${features.length} features`);
    const norm = Math.sqrt(features.reduce((sum, f) => sum + f * f, 0));
    inputs.push({
      formula,
      pixels_sha256: crypto.createHash('sha256').update(pixels).digest('hex'),
      l2_norm: round(norm),
      min: round(Math.min(...features)),
      max: round(Math.max(...features)),
      mean: round(features.reduce((sum, f) => sum + f, 0) / features.length),
      features: features.map(round),
    });
    console.log(`golden: ${model.name} ${formula}: |f| = ${norm.toFixed(4)}`);
  }
  return {
    model: model.name,
    reference: `nsfwjs 4.4.0 NSFWJS.infer(image, '${FEATURE_LAYER}'), ` +
      `@tensorflow/tfjs 4.22.0 cpu backend, node ${process.version}`,
    input_side: model.side,
    preprocessing: 'RGB uint8 / 255 (float32), no resize',
    feature_layer: FEATURE_LAYER,
    significant_digits: SIGNIFICANT_DIGITS,
    inputs,
  };
}

// One number array per line keeps the files diffable and small.
function serialise(golden) {
  const { inputs, ...header } = golden;
  const lines = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const entries = inputs.map((input) => {
    const { features, ...summary } = input;
    const fields = Object.entries(summary).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return `    {${fields.join(', ')},\n     "features": [${features.join(', ')}]}`;
  });
  return `{\n${lines.join('\n')}\n  "inputs": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

async function main() {
  const args = process.argv.slice(2);
  const reuse = args[0] === '--reuse' ? args[1] : undefined;
  if (args.length > 0 && !reuse) fail('usage: node tools/models/golden.mjs [--reuse DIR]');
  const folder = reuse ? path.resolve(reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'imagemesh-golden-'));
  try {
    installReference(folder);
    // CommonJS: tfjs's ESM build is not loadable by node's ESM resolver, and one require() cache
    // gives nsfwjs the same tfjs instance (and backend) as this script.
    const requireFromFolder = createRequire(path.join(folder, 'package.json'));
    const tf = requireFromFolder('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    if (tf.getBackend() !== 'cpu') fail(`backend is ${tf.getBackend()}, not cpu`);
    const nsfwjs = requireFromFolder('nsfwjs');
    const outDir = path.join(repoRoot, 'tests', 'data', 'embed');
    fs.mkdirSync(outDir, { recursive: true });
    for (const model of MODELS) {
      const file = path.join(outDir, `golden_${model.name}.json`);
      fs.writeFileSync(file, serialise(await goldenFor(model, tf, nsfwjs)));
      console.log(`golden: wrote ${path.relative(repoRoot, file)}`);
    }
  } finally {
    if (!reuse) fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
