// Decodes the two ImageNet CNN backbones shipped inside the npm package nsfwjs into the files the
// C++ loader reads (src/embed/cnn_model.h, docs/models.md):
//
//   <out>/<model>/topology.json   the package's Keras 2.2.4 modelTopology, as JSON that OpenCV's
//                                 FileStorage reads (see forOpenCv)
//   <out>/<model>/weights.bin     the backbone's weights dequantised to float32, little-endian
//   <out>/<model>/manifest.json   for each tensor: Keras name, shape, byte offset into weights.bin
//   <out>/<model>/PROVENANCE.md   where the bytes come from and what may be used
//
// Usage: node decode_nsfwjs.mjs <extracted package dir> <out dir> <tarball sha256>
//
// Only node's standard library is used. The package wraps each file as a UMD .min.js module (the
// topology as a JS object literal, each weight shard as a base64 string); they are evaluated in an
// empty vm context that sees nothing but a `module` object, never with require().
//
// The 5-class head (dense_1..3) was fine-tuned for another task and is never used: only the
// weights of layers the feature layer depends on are written. Output is byte-for-byte reproducible
// for the same package.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const MODELS = [
  {
    name: 'mobilenet',
    source: 'mobilenet_v2',
    title: 'MobileNetV2 (alpha 1.0)',
    inputSide: 224,
    featureLayer: 'flatten_1',
    featureDim: 1280,
    frozenThrough: 'block_10_project_BN',
  },
  {
    name: 'inception',
    source: 'inception_v3',
    title: 'InceptionV3',
    inputSide: 299,
    featureLayer: 'flatten_1',
    featureDim: 2048,
    frozenThrough: 'activation_55',
  },
];

function fail(message) {
  console.error(`decode_nsfwjs: ${message}`);
  process.exit(1);
}

// Runs a UMD bundle in an empty context and returns what it exports.
function evaluateUmd(file) {
  const code = fs.readFileSync(file, 'utf8');
  const sandbox = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(code, sandbox, { filename: file, timeout: 60000 });
  return sandbox.module.exports;
}

function elementCount(shape) {
  return shape.reduce((product, side) => product * side, 1);
}

// Names of `target` and every layer it depends on, following inbound_nodes.
function ancestors(layers, target) {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const needed = new Set();
  const pending = [target];
  while (pending.length > 0) {
    const name = pending.pop();
    if (needed.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) fail(`layer ${name} is not in the topology`);
    needed.add(name);
    for (const node of layer.inbound_nodes) for (const inbound of node) pending.push(inbound[0]);
  }
  return needed;
}

// OpenCV 4.6's JSON reader (cv::FileStorage) rejects null, \u escapes and integers beyond 32 bits.
// Keras writes null for "none" (regularisers, constraints, seeds, noise_shape ...), where an
// absent key means the same, so null members are left out; the one null inside a list, the batch
// dimension of batch_input_shape, becomes -1 ("any"). Anything else outside the subset fails.
function forOpenCv(value, where) {
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (item !== null) return forOpenCv(item, `${where}[${i}]`);
      if (where.endsWith('.batch_input_shape') && i === 0) return -1;
      return fail(`${where}[${i}] is null`);
    });
  }
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== null) out[key] = forOpenCv(member, `${where}.${key}`);
    }
    return out;
  }
  if (typeof value === 'string' && !/^[\x20-\x7e]*$/.test(value)) fail(`${where}: not ASCII`);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 2 ** 31) {
    fail(`${where}: integer beyond 32 bits`);
  }
  return value;
}

// One tensor per line: readable, diffable.
function manifestJson(header, entries) {
  const fields = Object.entries(header).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const lines = entries.map((entry) => `  ${JSON.stringify(entry)}`);
  return `{\n${fields.join('\n')}\n "weights": [\n${lines.join(',\n')}\n ]\n}\n`;
}

function decodeModel(model, packageDir, outDir, tarballSha256) {
  const sourceDir = path.join(packageDir, 'dist', 'models', model.source);
  const bundle = evaluateUmd(path.join(sourceDir, 'model.min.js'));
  const topology = bundle.modelTopology;
  const groups = bundle.weightsManifest;
  if (!topology || !Array.isArray(groups) || groups.length !== 1) {
    fail(`${model.source}: expected modelTopology and one weights group`);
  }
  const layers = topology.model_config.config.layers;
  const inputShape = layers[0].config.batch_input_shape;
  if (JSON.stringify(inputShape) !== JSON.stringify([null, model.inputSide, model.inputSide, 3])) {
    fail(`${model.source}: unexpected input shape ${JSON.stringify(inputShape)}`);
  }

  const shards = groups[0].paths.map((shard) => {
    const base64 = evaluateUmd(path.join(sourceDir, `${shard}.min.js`));
    if (typeof base64 !== 'string') fail(`${model.source}/${shard}: not a base64 string`);
    return Buffer.from(base64, 'base64');
  });
  const quantised = Buffer.concat(shards);

  const backbone = ancestors(layers, model.featureLayer);
  const manifest = [];
  const chunks = [];
  let readOffset = 0;
  let writeOffset = 0;
  let skipped = 0;
  for (const weight of groups[0].weights) {
    const count = elementCount(weight.shape);
    const q = weight.quantization;
    if (weight.dtype !== 'float32' || !q || q.dtype !== 'uint8') {
      fail(`${weight.name}: expected float32 quantised to uint8`);
    }
    if (readOffset + count > quantised.length) fail(`${weight.name}: past the end of the shards`);
    const layerName = weight.name.split('/')[0];
    if (backbone.has(layerName)) {
      // tfjs dequantises the same way (tfjs-core io: value * scale + min, rounded to float32).
      const values = new Float32Array(count);
      for (let i = 0; i < count; ++i) values[i] = quantised[readOffset + i] * q.scale + q.min;
      const bytes = Buffer.from(values.buffer);
      chunks.push(bytes);
      manifest.push({ name: weight.name, shape: weight.shape, offset: writeOffset });
      writeOffset += bytes.length;
    } else {
      ++skipped;
    }
    readOffset += count;
  }
  if (readOffset !== quantised.length) {
    fail(`${model.source}: shards hold ${quantised.length} bytes, the manifest ${readOffset}`);
  }
  const weightsBin = Buffer.concat(chunks);
  const weightsSha256 = crypto.createHash('sha256').update(weightsBin).digest('hex');

  const dir = path.join(outDir, model.name);
  fs.mkdirSync(dir, { recursive: true });
  const topologyJson = JSON.stringify(forOpenCv(topology, 'modelTopology'), null, 1);
  fs.writeFileSync(path.join(dir, 'topology.json'), `${topologyJson}\n`);
  fs.writeFileSync(path.join(dir, 'weights.bin'), weightsBin);
  const header = {
    format: 'imagemesh-keras-weights',
    version: 1,
    dtype: 'float32',
    byte_order: 'little',
    weights_bytes: weightsBin.length,
    weights_sha256: weightsSha256,
    feature_layer: model.featureLayer,
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestJson(header, manifest));
  fs.writeFileSync(
    path.join(dir, 'PROVENANCE.md'),
    provenance(model, layers, tarballSha256, manifest.length, skipped, weightsBin.length,
      weightsSha256));
  console.log(`decode_nsfwjs: ${model.name}: ${manifest.length} tensors, ` +
    `${weightsBin.length} bytes (${skipped} head tensors left out)`);
}

function littleEndian() {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

function provenance(model, layers, tarballSha256, tensors, skipped, bytes, sha256) {
  const featureIndex = layers.findIndex((layer) => layer.name === model.featureLayer);
  const head = layers.slice(featureIndex + 1).map((layer) => layer.name);
  const frozenIndex = layers.findIndex((layer) => layer.name === model.frozenThrough);
  if (frozenIndex < 0 || layers.slice(0, frozenIndex + 1).some((layer) => layer.config.trainable) ||
      !layers[frozenIndex + 1].config.trainable) {
    fail(`${model.source}: the frozen/fine-tuned boundary is no longer after ${model.frozenThrough}`);
  }
  return `# ${model.name}: ${model.title} backbone from nsfwjs 4.4.0

- Package: npm \`nsfwjs@4.4.0\` (tarball SHA-256 \`${tarballSha256}\`), licence **MIT**,
  files \`dist/models/${model.source}/model.min.js\` and its \`group1-shard*.min.js\`.
- Format in the package: TensorFlow.js layers model (Keras 2.2.4 topology), weights quantised to
  uint8 (value = q * scale + min per tensor), wrapped as UMD JavaScript modules.
- Decoded by \`tools/models/decode_nsfwjs.mjs\` (via \`tools/models/fetch.sh\`): weights dequantised
  exactly as TensorFlow.js does, stored as little-endian float32.
- \`weights.bin\`: ${tensors} tensors, ${bytes} bytes, SHA-256 \`${sha256}\`.
- \`LICENSE\`: the package's MIT licence text, copied here by \`tools/models/fetch.sh\`.

## What the weights are

- Layers \`${layers[1].name}\` through \`${model.frozenThrough}\` are marked \`trainable: false\`: they are
  the untouched ImageNet weights of Keras' ${model.title}.
- The layers from \`${layers[frozenIndex + 1].name}\` up to \`${model.featureLayer}\` were fine-tuned
  by the nsfwjs authors together with their classifier (5 NSFW-content classes).
- The classifier head (${head.map((name) => `\`${name}\``).join(', ')}) is **not used** and
  never run: its ${skipped} tensors are left out of \`weights.bin\`; the layers stay in
  \`topology.json\` only because that file is the package's topology as published.

## How imagemesh uses it

Input: RGB ${model.inputSide} x ${model.inputSide}, value / 255 (range [0, 1], as nsfwjs feeds it).
Output: the ${model.featureDim}-d output of \`${model.featureLayer}\`, the global average of the last
feature map (the penultimate layer of the classifier), before any PCA.
`;
}

const [packageDir, outDir, tarballSha256] = process.argv.slice(2);
if (!packageDir || !outDir || !/^[0-9a-f]{64}$/.test(tarballSha256 ?? '')) {
  fail('usage: node decode_nsfwjs.mjs <extracted package dir> <out dir> <tarball sha256>');
}
// Float32Array bytes are the machine's byte order; weights.bin is defined as little-endian.
if (!littleEndian()) fail('must run on a little-endian machine (weights.bin is little-endian)');
for (const model of MODELS) decodeModel(model, packageDir, outDir, tarballSha256);
