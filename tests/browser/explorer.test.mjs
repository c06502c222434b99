// The explorer page in a real browser: Debian's chromium driven by playwright-core, against
// `imagemesh serve` on a small mesh built here with the real binary (tools/run-sample.sh's steps).
//
//   IMAGEMESH_BIN        the binary (default <repo>/build/debug/imagemesh)
//   IMAGEMESH_ARTIFACTS  screenshots and logs (default <repo>/build/browser-artifacts)
//   IMAGEMESH_MODELS     CNN weights (default <repo>/build/models): with mobilenet there, the mesh
//                        gets two embeddings and the comparison two columns
//   IMAGEMESH_URL        test a server that is already running instead (the sample is still written
//                        for its PNG files)
//   CHROMIUM             the browser (default /usr/bin/chromium)
//
// Run through tests/browser/run.sh (ctest: browser_explorer). Every test starts from a URL, so
// each stands alone; screenshots of every state go to the artifacts folder.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.env.IMAGEMESH_BIN || path.join(repo, 'build/debug/imagemesh');
const artifacts = path.resolve(process.env.IMAGEMESH_ARTIFACTS || path.join(repo, 'build/browser-artifacts'));
const models = process.env.IMAGEMESH_MODELS || path.join(repo, 'build/models');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 60_000; // per wait: the suite also runs on the debug ASan binary
const VIEWPORT = { width: 1280, height: 800 };

fs.mkdirSync(artifacts, { recursive: true });
for (const old of fs.readdirSync(artifacts)) if (/^\d\d-.*\.png$/.test(old)) fs.rmSync(path.join(artifacts, old)); // a previous run's
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagemesh-browser-'));
const log = fs.createWriteStream(path.join(artifacts, 'commands.log'));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function run(...args) {
  const t0 = Date.now();
  log.write(`$ ${path.basename(bin)} ${args.join(' ')}\n`);
  try {
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMAGEMESH_MODELS: models }, maxBuffer: 64 << 20 });
    log.write(`${out}(${Date.now() - t0} ms)\n`);
    return out;
  } catch (error) {
    const stderr = String(error.stderr || '');
    log.write(`${error.stdout || ''}${stderr}(failed after ${Date.now() - t0} ms: ${error.message.split('\n')[0]})\n`);
    throw new Error(`imagemesh ${args[0]} failed (exit ${error.status}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`imagemesh serve exited with ${child.exitCode} (see ${artifacts}/serve.log)`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok && (await response.json()).ok === true) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('imagemesh serve did not answer /api/health within 120 s');
}

let base = process.env.IMAGEMESH_URL ? process.env.IMAGEMESH_URL.replace(/\/$/, '') : '';
let server = null;
let browser = null;
let info = null;
let samplePng = '';
const problems = []; // page errors and failed requests, checked after every test

function sampleImages(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.png$/i.test(entry.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

before(async () => {
  const sample = path.join(work, 'sample');
  const mesh = path.join(work, 'mesh');
  run('sample', '--out', sample, '--papers', '12', '--seed', '5');
  // The sample's sources are tar archives: unpack one paper's PNG for the upload test.
  const tars = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : /\.(tar|tar\.gz|tgz|gz)$/.test(e.name) && tars.push(path.join(d, e.name))));
  walk(sample);
  samplePng = sampleImages(sample)[0] || '';
  if (!samplePng) {
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    for (const tar of tars.sort()) {
      execFileSync('tar', ['-xf', tar, '-C', unpacked], { stdio: 'ignore' });
      const nested = fs.readdirSync(unpacked, { recursive: true }).map((f) => path.join(unpacked, f)).filter((f) => /\.(tar\.gz|tgz|gz)$/.test(f));
      for (const inner of nested) {
        const dir = `${inner}.d`;
        fs.mkdirSync(dir, { recursive: true });
        try {
          execFileSync('tar', ['-xzf', inner, '-C', dir], { stdio: 'ignore' });
        } catch {
          // a single gzipped file, not a tar: not a PNG either
        }
      }
      samplePng = sampleImages(unpacked)[0] || '';
      if (samplePng) break;
    }
  }
  assert.ok(samplePng, 'the sample corpus holds a PNG for the upload test');
  fs.copyFileSync(samplePng, path.join(artifacts, 'upload.png'));

  if (!base) {
    run('ingest', '--mesh', mesh, '--no-progress', sample);
    run('metadata', 'import', '--mesh', mesh, path.join(sample, 'metadata', 'sample-snapshot.jsonl'));
    run('embed', '--mesh', mesh, '--model', 'raw', '--no-progress');
    if (fs.existsSync(path.join(models, 'mobilenet'))) run('embed', '--mesh', mesh, '--model', 'mobilenet', '--no-progress');
    else log.write(`no ${models}/mobilenet: one embedding, one comparison column\n`);
    const port = await freePort();
    const serveLog = fs.openSync(path.join(artifacts, 'serve.log'), 'w');
    server = spawn(bin, ['serve', '--mesh', mesh, '--host', '127.0.0.1', '--port', String(port)], {
      stdio: ['ignore', serveLog, serveLog], env: { ...process.env, IMAGEMESH_MODELS: models },
    });
    base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, server);
  }
  log.write(`server ready at ${base} after ${elapsed()}\n`);
  info = await (await fetch(`${base}/api/info`)).json();
  browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 10_000);
      server.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
  if (server) log.write(`imagemesh serve exited with ${server.exitCode ?? server.signalCode}\n`);
  log.write(`suite done after ${elapsed()}\n`);
  log.end();
  fs.rmSync(work, { recursive: true, force: true });
});

// ------------------------------------------------------------------ helpers

// Paths the page may ask for: the requests of docs/api.md, thumbnails and its own files (KaTeX's
// under vendor/katex/).
const ALLOWED = /^\/(api\/(info|images|facets|compare|health)|api\/image\/\d+|thumb\/[0-9a-f]{64}\.(webp|jpg)|static\/(vendor\/katex\/(fonts\/)?)?[\w.-]+|)$/;
const KATEX = /\/static\/vendor\/katex\//;

async function openPage({ expectErrors = false } = {}) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !(expectErrors && /status of 4\d\d/.test(message.text()))) problems.push(`console error: ${message.text()}`);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'blob:' || url.protocol === 'data:') return;
    if (url.origin !== base) problems.push(`request to another origin: ${request.url()}`);
    else if (!ALLOWED.test(url.pathname)) problems.push(`request outside the API: ${request.method()} ${url.pathname}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !expectErrors) problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  return page;
}

function checkProblems() {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'no page errors, no failed or foreign requests');
}

async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.loading === 'false' && !/^Loading/.test(document.querySelector('#status').textContent));
}

async function goto(page, query = '') {
  await page.goto(`${base}/${query}`);
  await ready(page);
}

async function status(page) {
  return (await page.textContent('#status')).trim();
}

// "12 of 48 matching images · …" -> {shown: 12, total: 48}
function counts(text) {
  const m = text.match(/^([\d,]+) of ([\d,]+) matching images?/);
  assert.ok(m, `status line "${text}" starts with "N of M matching images"`);
  return { shown: Number(m[1].replace(/,/g, '')), total: Number(m[2].replace(/,/g, '')) };
}

const cardIds = (page, n = 1000) => page.$$eval('#grid .cell', (cells, n) => cells.slice(0, n).map((c) => Number(c.dataset.id)), n);

async function thumbnailsDecoded(page, n) {
  await page.waitForFunction((n) => {
    const imgs = [...document.querySelectorAll('#grid .cell img')].slice(0, n);
    return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
  }, n);
}

// Text the page itself writes (not titles or captions, which may say anything) has no "null",
// "undefined" or "NaN", and no stray text nodes between the sections of a panel.
async function noJunk(page, selectors) {
  for (const selector of selectors) {
    for (const text of await page.$$eval(selector, (els) => els.map((el) => el.textContent))) {
      assert.doesNotMatch(text, /\bnull\b|\bundefined\b|\bNaN\b|\[object /, `${selector}: "${text}"`);
    }
  }
  const stray = await page.$$eval('.detail-body, #querybar, #compare-view', (els) =>
    els.flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent)));
  assert.deepEqual(stray, [], 'no stray text nodes');
}

let shotNumber = 0;
async function shot(page, name) {
  shotNumber += 1;
  await page.waitForTimeout(250); // let fades finish
  await page.screenshot({ path: path.join(artifacts, `${String(shotNumber).padStart(2, '0')}-${name}.png`) });
}

// ------------------------------------------------------------------ tests

describe('explorer page', { concurrency: 1 }, () => {
  it('loads the grid: thumbnails decoded, justified rows, a status line', async () => {
    const page = await openPage();
    await goto(page);
    const ids = await cardIds(page);
    assert.ok(ids.length > 0, 'cards in the grid');
    await thumbnailsDecoded(page, Math.min(ids.length, 8));
    const text = await status(page);
    const { shown, total } = counts(text);
    assert.equal(shown, ids.length);
    assert.ok(total >= shown && total <= info.images, `total ${total} within the mesh's ${info.images} images`);
    assert.match(text, /random sample \(seed 1\) · shuffle · [\d.]+ ms$/);
    await noJunk(page, ['#status', '#filters .value-count', '#filters summary', '#grid .caption']);
    // Full rows end at the grid's right edge, and every card has the thumbnail's aspect ratio.
    const geometry = await page.evaluate(() => {
      const grid = document.querySelector('#grid').getBoundingClientRect();
      return [...document.querySelectorAll('#grid .cell')].map((c) => {
        const r = c.getBoundingClientRect();
        const img = c.querySelector('img');
        return { top: Math.round(r.top), right: r.right - grid.left, width: r.width, height: r.height, gridWidth: grid.width, w: Number(img.getAttribute('width')), h: Number(img.getAttribute('height')) };
      });
    });
    const rows = new Map();
    for (const g of geometry) rows.set(g.top, [...(rows.get(g.top) || []), g]);
    const rowList = [...rows.values()];
    for (const row of rowList.slice(0, -1)) assert.ok(Math.abs(row.at(-1).right - row[0].gridWidth) <= 1, 'a full row ends at the right edge');
    for (const g of geometry) if (g.w && g.h && g.w / g.h > 0.25 && g.w / g.h < 4) assert.ok(Math.abs(g.width / g.height - g.w / g.h) < 0.08 * (g.w / g.h) + 0.02, 'aspect ratio kept');
    await shot(page, 'grid');
    await page.setViewportSize({ width: 1680, height: 1000 });
    await page.waitForTimeout(300);
    await shot(page, 'grid-1680');
    await page.close();
    checkProblems();
  });

  it('a facet filter changes the count in the status line, and back undoes it', async () => {
    const page = await openPage();
    await goto(page);
    const before = counts(await status(page));
    // The first format whose count is below the total: choosing it must give exactly that count.
    const choice = await page.$$eval('[data-facet="format"] li', (items, total) => {
      for (const li of items) {
        const count = Number(li.querySelector('.value-count').textContent.replace(/,/g, ''));
        if (count > 0 && count < total) return { value: li.querySelector('input').value, count };
      }
      return null;
    }, before.total);
    assert.ok(choice, 'a format facet value narrows the results');
    await page.check(`[data-facet="format"] input[value="${choice.value}"]`);
    await page.waitForFunction((total) => document.body.dataset.loading === 'false' && !document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
    const afterFilter = counts(await status(page));
    assert.equal(afterFilter.total, choice.count, 'the facet count said what choosing it gives');
    assert.match(page.url(), new RegExp(`format=${choice.value}`));
    assert.equal(await page.isChecked(`[data-facet="format"] input[value="${choice.value}"]`), true);
    await shot(page, 'filtered');
    await page.goBack();
    await page.waitForFunction((total) => document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
    assert.equal(counts(await status(page)).total, before.total);
    assert.equal(await page.isChecked(`[data-facet="format"] input[value="${choice.value}"]`), false);
    // A text filter that matches nothing: the empty state, whose button clears every filter.
    await page.goForward();
    await page.waitForFunction((total) => !document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
    await page.fill('#filters input[name="author"]', 'zzqxjv');
    await page.press('#filters input[name="author"]', 'Enter');
    await page.waitForSelector('#grid-footer .empty-state');
    assert.match(await status(page), /^0 of 0 matching images/);
    assert.match(page.url(), /author=zzqxjv/);
    await shot(page, 'empty');
    await page.click('#grid-footer .empty-state button:has-text("Clear filters")');
    await page.waitForFunction((total) => document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
    assert.doesNotMatch(page.url(), /format=|author=/);
    assert.equal(await page.inputValue('#filters input[name="author"]'), '');
    // A year range typed in.
    const years = await page.$$eval('#year-values option', (options) => options.map((o) => o.value));
    if (years.length > 1) {
      await page.fill('#filters input[name="from"]', years.at(-1));
      await page.press('#filters input[name="from"]', 'Enter');
      await page.waitForFunction((total) => document.body.dataset.loading === 'false' && !document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
      assert.match(page.url(), new RegExp(`from=${years.at(-1)}`));
      assert.ok(counts(await status(page)).total < before.total);
      await page.click('#clear-filters');
      await page.waitForFunction((total) => document.querySelector('#status').textContent.includes(`of ${total} matching`), before.total);
    }
    await page.close();
    checkProblems();
  });

  it('double-click shows the neighbours with their similarities', async () => {
    const page = await openPage();
    await goto(page);
    const [first] = await cardIds(page, 1);
    await page.dblclick(`#grid .cell[data-id="${first}"] a`);
    await page.waitForFunction((id) => document.querySelector('#status').textContent.includes(`similar to #${id}`) && document.body.dataset.loading === 'false', first);
    const text = await status(page);
    assert.match(text, new RegExp(`similar to #${first} under ${info.embeddings[0].name} · (exact|ann|ann\\+widened) · `));
    assert.match(page.url(), new RegExp(`like=${first}(&|$)`));
    const ids = await cardIds(page);
    assert.ok(ids.length > 0 && !ids.includes(first), 'neighbours, without the query image');
    const similarities = await page.$$eval('#grid .cell .badge.similarity', (badges) => badges.map((b) => Number(b.textContent)));
    assert.equal(similarities.length, ids.length, 'every card shows its similarity');
    assert.ok(similarities[0] <= 1 && similarities[0] >= -1);
    for (let i = 1; i < similarities.length; i++) assert.ok(similarities[i] <= similarities[i - 1] + 1e-3, 'best first');
    assert.equal(await page.$$eval('#querybar .chip.example.like', (chips) => chips.length), 1, 'the query image is shown as a chip');
    await noJunk(page, ['#status', '#querybar', '#grid .badge']);
    await thumbnailsDecoded(page, Math.min(ids.length, 8));
    await shot(page, 'similar');
    // A negative example joins the query: the least similar image (a near twin of the positive
    // could cancel it out, which the API refuses).
    const negative = ids.at(-1);
    await page.hover(`#grid .cell[data-id="${negative}"]`);
    await page.click(`#grid .cell[data-id="${negative}"] .mark.unlike`);
    await page.waitForFunction((id) => document.querySelector('#status').textContent.includes(`unlike #${id}`) && document.body.dataset.loading === 'false', negative);
    assert.match(page.url(), new RegExp(`unlike=${negative}`));
    assert.ok(!(await cardIds(page)).includes(negative));
    await shot(page, 'similar-negative');
    await page.close();
    checkProblems();
  });

  it('a permalink reproduces the view, and back returns through the previous views', async () => {
    const page = await openPage();
    await goto(page);
    const random = await cardIds(page, 12);
    const [first] = random;
    await page.dblclick(`#grid .cell[data-id="${first}"] a`);
    await page.waitForFunction((id) => document.querySelector('#status').textContent.includes(`similar to #${id}`) && document.body.dataset.loading === 'false', first);
    const similar = await cardIds(page, 12);
    // Open the second neighbour's details: part of the view, so part of the link.
    await page.click(`#grid .cell[data-id="${similar[1]}"] a`);
    await page.waitForSelector(`#detail .detail-body[data-id="${similar[1]}"]`);
    assert.match(page.url(), new RegExp(`image=${similar[1]}`));

    const link = page.url();
    const copy = await openPage();
    await copy.goto(link);
    await ready(copy);
    await copy.waitForSelector(`#detail .detail-body[data-id="${similar[1]}"]`);
    assert.deepEqual(await cardIds(copy, 12), similar, 'the same first images in the same order');
    assert.equal(await status(copy).then((s) => s.replace(/ · [\d.]+ ms$/, '')), await status(page).then((s) => s.replace(/ · [\d.]+ ms$/, '')));
    await shot(copy, 'permalink');
    await copy.close();

    // Seeded random samples are links too.
    await page.goto(`${base}/?seed=77`);
    await ready(page);
    const seeded = await cardIds(page, 12);
    const again = await openPage();
    await again.goto(`${base}/?seed=77`);
    await ready(again);
    assert.deepEqual(await cardIds(again, 12), seeded, 'a seed gives the same sample');
    await again.close();
    await page.goBack(); // back to the details of the neighbour
    await page.waitForSelector(`#detail .detail-body[data-id="${similar[1]}"]`);
    await page.goBack(); // details closed, neighbours still there
    await page.waitForFunction(() => document.querySelector('#detail').hidden);
    assert.deepEqual(await cardIds(page, 12), similar);
    await page.goBack(); // the random sample
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('random sample') && document.body.dataset.loading === 'false');
    assert.deepEqual(await cardIds(page, 12), random);
    await shot(page, 'back-to-random');
    await page.close();
    checkProblems();
  });

  it('the reshuffle button changes the seed and the sample', async () => {
    const page = await openPage();
    await goto(page);
    const before = await cardIds(page, 12);
    await page.click('#reshuffle');
    await page.waitForFunction(() => /[?&]seed=\d+/.test(location.search) && document.body.dataset.loading === 'false' && !document.querySelector('#status').textContent.includes('(seed 1)'));
    const seed = new URL(page.url()).searchParams.get('seed');
    assert.match(await status(page), new RegExp(`random sample \\(seed ${seed}\\)`));
    const after = await cardIds(page, 12);
    if (before.length > 3) assert.notDeepEqual(after, before);
    await page.close();
    checkProblems();
  });

  it('infinite scroll loads further pages without repeats', async () => {
    const page = await openPage();
    await goto(page, '?limit=10');
    const { total } = counts(await status(page));
    for (let i = 0; i < 40; i++) {
      const shown = (await cardIds(page)).length;
      if (shown >= total) break;
      await page.$eval('#results', (el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForFunction((n) => document.querySelectorAll('#grid .cell').length > n || document.querySelector('#grid-footer').textContent.startsWith('All'), shown);
    }
    const ids = await cardIds(page);
    assert.equal(ids.length, total, 'every matching image once the end is reached');
    assert.equal(new Set(ids).size, ids.length, 'no image twice');
    assert.equal(counts(await status(page)).shown, total);
    assert.match(await page.textContent('#grid-footer'), /^All /);
    await shot(page, 'scrolled-to-end');
    await page.close();
    checkProblems();
  });

  it('keyboard: arrows move the focus ring, Enter opens the details, Escape closes, m searches', async () => {
    const page = await openPage();
    await goto(page);
    const ids = await cardIds(page);
    await page.locator('body').press('ArrowRight'); // focuses the first card
    await page.keyboard.press('ArrowRight');
    let focused = await page.evaluate(() => Number(document.activeElement.closest('.cell')?.dataset.id));
    assert.equal(focused, ids[1]);
    await page.keyboard.press('ArrowDown');
    focused = await page.evaluate(() => Number(document.activeElement.closest('.cell')?.dataset.id));
    assert.ok(ids.indexOf(focused) > 1 || ids.length <= 2, 'down moves to a later row');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#detail .detail-body[data-id="${focused}"]`);
    assert.match(page.url(), new RegExp(`image=${focused}`));
    // The panel: paper, caption or file facts, categories, and a link to arXiv.
    await page.waitForSelector('#detail-title');
    assert.ok((await page.textContent('#detail .facts')).includes('Format'));
    await noJunk(page, ['#detail .facts', '#detail .paper-line']);
    await shot(page, 'keyboard-detail');
    // With the panel open the arrows move through the images and the panel follows.
    await page.keyboard.press('ArrowRight');
    const next = ids[ids.indexOf(focused) + 1];
    if (next !== undefined) await page.waitForSelector(`#detail .detail-body[data-id="${next}"]`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('#detail').hidden);
    assert.doesNotMatch(page.url(), /image=/);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.keyboard.press('Escape');
    const current = await page.evaluate(() => Number(document.querySelector('#grid a[tabindex="0"]').closest('.cell').dataset.id));
    await page.keyboard.press('m');
    await page.waitForFunction((id) => document.querySelector('#status').textContent.includes(`similar to #${id}`) && document.body.dataset.loading === 'false', current);
    // + and - add the focused image as a positive or a negative example.
    const neighbours = await cardIds(page, 3);
    if (neighbours.length >= 2) {
      await page.locator('body').press('ArrowRight');
      await page.keyboard.press('+');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('like')?.split(',').length === 2);
      const like = new URL(page.url()).searchParams.get('like').split(',').map(Number);
      assert.deepEqual(like, [current, neighbours[0]]);
      await ready(page);
      // The negative: the least similar image (a near twin of a positive could cancel it out,
      // which the API refuses).
      await page.focus('#grid .cell:last-child a');
      const negative = await page.evaluate(() => Number(document.activeElement.closest('.cell')?.dataset.id));
      await page.keyboard.press('-');
      await page.waitForFunction((id) => new URL(location.href).searchParams.get('unlike') === String(id), negative);
      await ready(page);
      assert.equal(await page.$$eval('#querybar .chip.example', (c) => c.length), 3);
      await shot(page, 'keyboard-examples');
    }
    await page.close();
    checkProblems();
  });

  it('the detail panel shows the paper, the figure and the sibling figures', async () => {
    const page = await openPage();
    await goto(page);
    const ids = await cardIds(page);
    // An image whose paper has other images: its siblings are clickable.
    let withSiblings = null;
    for (const id of ids) {
      const detail = await (await fetch(`${base}/api/image/${id}`)).json();
      if (detail.siblings?.length && detail.paper?.url) {
        withSiblings = detail;
        break;
      }
    }
    assert.ok(withSiblings, 'some paper has several images');
    await page.click(`#grid .cell[data-id="${withSiblings.id}"] a`);
    await page.waitForSelector(`#detail .detail-body[data-id="${withSiblings.id}"]`);
    await page.waitForFunction(() => { const img = document.querySelector('.detail-figure img'); return img && img.complete && img.naturalWidth > 0; });
    assert.equal(await page.getAttribute('#detail .paper-line a', 'href'), withSiblings.paper.url);
    assert.equal(await page.$$eval('#detail .sibling', (s) => s.length), withSiblings.siblings.length);
    for (const c of withSiblings.paper.categories || []) assert.ok((await page.textContent('#detail .categories')).includes(c.code));
    await noJunk(page, ['#detail .facts', '#detail .paper-line', '#detail .detail-actions', '#detail h3', '#detail .figure-head']);
    await shot(page, 'detail');
    const sibling = withSiblings.siblings[0].id;
    await page.click(`#detail .sibling >> nth=0`);
    await page.waitForSelector(`#detail .detail-body[data-id="${sibling}"]`);
    await page.click('#detail button:has-text("More like this")');
    await page.waitForFunction((id) => document.querySelector('#status').textContent.includes(`similar to #${id}`) && document.body.dataset.loading === 'false', sibling);
    await page.close();
    checkProblems();
  });

  it('math in a caption is typeset by KaTeX, loaded only when the panel shows math', async () => {
    // The sample's captions carry TeX math ($k_\\perp$, $\\chi^2/\\nu$, …): the first image whose
    // figure caption has some.
    const { hits } = await (await fetch(`${base}/api/images?limit=200`)).json();
    let withMath = null;
    for (const { id } of hits) {
      const detail = await (await fetch(`${base}/api/image/${id}`)).json();
      const figure = detail.occurrences.flatMap((o) => o.figures).find((f) => /\$[^$]+\$/.test(f.caption));
      if (figure) {
        withMath = { id, figure };
        break;
      }
    }
    assert.ok(withMath, 'some figure caption of the sample has $…$ math');
    const page = await openPage();
    const katexRequests = [];
    page.on('request', (r) => { if (KATEX.test(new URL(r.url()).pathname)) katexRequests.push(new URL(r.url()).pathname); });
    await goto(page);
    await thumbnailsDecoded(page, 4);
    assert.deepEqual(katexRequests, [], 'the grid does not load KaTeX');

    const card = await page.$(`#grid .cell[data-id="${withMath.id}"] a`);
    if (card) await card.click();
    else await page.goto(`${base}/?image=${withMath.id}`);
    await page.waitForSelector(`#detail .detail-body[data-id="${withMath.id}"] .caption-text .katex`);
    await page.evaluate(() => document.fonts.ready);
    const caption = await page.$eval('#detail .figure-use .caption-text', (p) => {
      const copy = p.cloneNode(true);
      copy.querySelectorAll('.katex-mathml').forEach((m) => m.remove()); // the TeX annotation for screen readers
      const italic = p.querySelector('.katex-html .mathnormal');
      return {
        text: copy.textContent,
        formulas: p.querySelectorAll('.math .katex').length,
        untypeset: p.querySelectorAll('.tex[data-tex]').length,
        errors: p.querySelectorAll('.katex-error').length,
        mathFont: italic ? getComputedStyle(italic).fontFamily : '',
        mathFontLoaded: document.fonts.check('16px KaTeX_Math') && [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'KaTeX_Math' && f.status === 'loaded'),
      };
    });
    const expected = (withMath.figure.caption.match(/\$[^$]+\$/g) || []).length;
    assert.equal(caption.formulas, expected, `every formula typeset: ${caption.text}`);
    assert.equal(caption.untypeset + caption.errors, 0);
    assert.doesNotMatch(caption.text, /\$/, 'no raw $ left in the caption');
    assert.match(caption.mathFont, /KaTeX_Math/);
    assert.ok(caption.mathFontLoaded, 'KaTeX_Math was fetched and loaded');
    assert.ok(katexRequests.includes('/static/vendor/katex/katex.min.js') && katexRequests.includes('/static/vendor/katex/katex.min.css'));
    assert.ok(katexRequests.some((p) => /\/fonts\/KaTeX_[\w-]+\.woff2$/.test(p)), 'woff2 fonts');
    if (withMath.figure.caption_tex !== withMath.figure.caption) {
      assert.equal(await page.textContent('#detail .figure-use .tex-source pre'), withMath.figure.caption_tex, 'the LaTeX source is still there');
    }
    await noJunk(page, ['#detail .facts', '#detail .paper-line', '#detail h3']);
    await page.$eval('#detail .figure-use', (el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'detail-math');
    await page.locator('#detail .figure-use').screenshot({ path: path.join(artifacts, `${String(shotNumber).padStart(2, '0')}-detail-math-caption.png`) });

    // Hostile TeX: text stays text, untrusted commands do nothing, limits hold, and what KaTeX
    // cannot parse shows as its source.
    const hostile = await page.evaluate(async () => {
      const { mathText, typeset } = await import('/static/math.js');
      const p = document.createElement('p');
      p.className = 'caption-text';
      p.append(...mathText('<img src=x onerror="window.pwned=1"> $\\frac{1}{2$ then $\\href{javascript:window.pwned=2}{x}$ '
        + '$\\rule{9999em}{9999em}$ $\\def\\a{\\a\\a}\\a$ $\\url{https://example.com}$ $x^2$ costs $5 and $10'));
      document.querySelector('#detail .detail-body').append(p);
      const typeset_ = await typeset(p);
      const tallest = Math.max(...[...p.querySelectorAll('*')].map((e) => e.getBoundingClientRect().height));
      const result = {
        typeset: typeset_, text: p.textContent, images: p.querySelectorAll('img').length, links: p.querySelectorAll('a').length,
        errors: [...p.querySelectorAll('.katex-error')].map((e) => e.textContent), tallest, pwned: window.pwned ?? null,
      };
      p.remove();
      return result;
    });
    assert.equal(hostile.images, 0);
    assert.equal(hostile.links, 0);
    assert.equal(hostile.pwned, null);
    assert.ok(hostile.text.startsWith('<img src=x onerror="window.pwned=1"> '), hostile.text);
    assert.ok(hostile.errors.includes('\\frac{1}{2'), `unparsable math shows as its source: ${JSON.stringify(hostile.errors)}`);
    assert.ok(hostile.errors.some((e) => e.includes('\\def')), 'an endless macro is an error, not a hang');
    assert.ok(hostile.tallest < 400, `maxSize bounds a \\rule (${hostile.tallest}px)`);
    assert.ok(hostile.text.endsWith('costs $5 and $10'), 'dollars before digits are money');
    assert.equal(hostile.typeset, 6);
    await page.close();
    checkProblems();
  });

  it('upload: a PNG from the sample finds similar images; pages and the comparison re-send it', async () => {
    const page = await openPage();
    await goto(page, '?limit=10');
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(new URL(r.url()).pathname); });
    await page.setInputFiles('#upload-input', samplePng);
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('similar to your image') && document.body.dataset.loading === 'false');
    assert.equal(posts[0], '/api/images');
    const ids = await cardIds(page);
    assert.ok(ids.length > 0);
    const similarity = Number(await page.textContent('#grid .cell .badge.similarity'));
    assert.ok(similarity > 0.5, `the sample's own image ranks near the top (similarity ${similarity})`);
    assert.equal(await page.$$eval('#querybar .chip.upload', (c) => c.length), 1);
    await thumbnailsDecoded(page, Math.min(ids.length, 8));
    await shot(page, 'upload');
    // Further pages: the image is posted again with the next offset.
    const { total } = counts(await status(page));
    for (let i = 0; i < 40 && (await cardIds(page)).length < total; i++) {
      const shown = (await cardIds(page)).length;
      await page.$eval('#results', (el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForFunction((n) => document.querySelectorAll('#grid .cell').length > n || document.querySelector('#grid-footer').textContent.startsWith('All'), shown);
    }
    const all = await cardIds(page);
    assert.equal(all.length, total);
    assert.equal(new Set(all).size, total, 'no image twice across uploaded pages');
    assert.ok(posts.filter((p) => p === '/api/images').length >= Math.ceil(total / 10), 'one POST per page');
    // The comparison of the uploaded image: POST /api/compare.
    await page.click('#view-compare');
    await page.waitForSelector('#compare-view .overlap');
    await ready(page);
    assert.ok(posts.includes('/api/compare'));
    assert.match(await status(page), /similar to your image under \d+ embeddings?/);
    // Dropping a file works like picking one.
    await page.click('#view-grid');
    await ready(page);
    const before = posts.length;
    const bytes = fs.readFileSync(samplePng).toString('base64');
    await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], 'dropped.png', { type: 'image/png' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.querySelector('#results').dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, bytes);
    await page.waitForFunction((n) => document.body.dataset.loading === 'false' && document.querySelector('#status').textContent.includes('similar to your image'), before);
    assert.ok(posts.length > before, 'the dropped file was posted');
    assert.equal(await page.isHidden('#drop-overlay'), true);
    // A reload cannot bring the file back: the page says so and shows the rest of the view.
    await page.reload();
    await ready(page);
    assert.match(await page.textContent('#notice'), /not kept/);
    assert.doesNotMatch(page.url(), /upload=/);
    await page.close();
    checkProblems();
  });

  it('compare embeddings: one column per embedding and the overlap matrix', async () => {
    const page = await openPage();
    await goto(page);
    const [first] = await cardIds(page, 1);
    await page.dblclick(`#grid .cell[data-id="${first}"] a`);
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('similar to') && document.body.dataset.loading === 'false');
    await page.click('#view-compare');
    await page.waitForSelector('#compare-view .overlap');
    await ready(page);
    assert.match(page.url(), /view=compare/);
    const names = info.embeddings.map((e) => e.name);
    const titles = await page.$$eval('.compare-title strong', (t) => t.map((x) => x.textContent));
    assert.deepEqual(titles, names, 'a column per embedding, in catalogue order');
    const matrix = await page.$$eval('.overlap tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td .n')].map((n) => Number(n.textContent))));
    assert.equal(matrix.length, names.length);
    const columnSizes = await page.$$eval('.compare-columns', ([grid], n) => {
      const cells = [...grid.querySelectorAll('.compare-cell')];
      return Array.from({ length: n }, (_, i) => cells.filter((c, k) => k % n === i && !c.classList.contains('empty')).length);
    }, names.length);
    matrix.forEach((row, i) => {
      assert.equal(row[i], columnSizes[i], 'the diagonal is the column size');
      row.forEach((v, j) => assert.equal(v, matrix[j][i], 'symmetric'));
    });
    assert.match(await status(page), new RegExp(`similar to #${first} under ${names.length} embeddings?`));
    await noJunk(page, ['#status', '.overlap', '.compare-title', '.compare-cell .badge']);
    const shared = await page.$('.compare-cell.shared a');
    if (shared) {
      await shared.hover();
      const id = await shared.evaluate((a) => a.closest('.compare-cell').dataset.id);
      const lit = await page.$$eval('.compare-cell.hl', (cells) => cells.map((c) => c.dataset.id));
      assert.ok(lit.length >= 2 && lit.every((x) => x === id), 'hovering lights the image up in every column');
    } else {
      assert.ok(names.length === 1 || matrix.every((row, i) => row.every((v, j) => i === j || v === 0)));
    }
    await shot(page, 'compare');
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#grid-view').hidden && document.body.dataset.loading === 'false');
    await page.close();
    checkProblems();
  });

  it('keywords search, and a refused query shows the JSON error message', async () => {
    const page = await openPage({ expectErrors: true });
    await goto(page);
    const [first] = await cardIds(page, 1);
    const detail = await (await fetch(`${base}/api/image/${first}`)).json();
    const word = (detail.paper.title.match(/[A-Za-z]{5,}/g) || ['figure'])[0].toLowerCase();
    await page.fill('#q', word);
    await page.press('#q', 'Enter');
    await page.waitForFunction((w) => document.querySelector('#status').textContent.includes(`matching “${w}”`) && document.body.dataset.loading === 'false', word);
    assert.match(await status(page), / · fts · /);
    assert.ok((await cardIds(page)).includes(first), `the image whose title has "${word}" is found`);
    await shot(page, 'keyword');
    // A malformed FTS5 query: the server's message, shown as is.
    const bad = '"unbalanced';
    const expected = await (await fetch(`${base}/api/images?q=${encodeURIComponent(bad)}&offset=0&limit=${info.page_size?.default ?? 50}&facets=1`)).json();
    assert.ok(expected.error?.message, 'the API refuses the query');
    await page.fill('#q', bad);
    await page.press('#q', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    assert.equal(await page.textContent('#error .error-message'), expected.error.message);
    await noJunk(page, ['#error', '#status']);
    assert.equal(await page.$$eval('#grid .cell', (c) => c.length), 0);
    await shot(page, 'error');
    await page.close();
    problems.splice(0); // the refused request is expected
  });
});
