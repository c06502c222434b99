// The imagemesh explorer. The URL holds the whole view (state.js); every change of view is a
// history entry, and everything shown comes from the JSON API (api.js, docs/api.md).
import { api } from './api.js';
import { Compare } from './compare.js';
import { Detail } from './detail.js';
import { $, fill, formatMillis, h, plural } from './dom.js';
import { Filters } from './filters.js';
import { Grid } from './grid.js';
import { apiParams, clone, emptyFilters, FILTER_KEYS, mode, parseUrl, toUrl } from './state.js';

const COMPARE_LIMIT = 30; // hits per embedding in the comparison
const MAX_RANK = 10000; // similar modes rank at most this many images (docs/api.md)
const ROW_HEIGHT_KEY = 'imagemesh.rowHeight';

const els = {
  q: $('#q'), searchForm: $('#search-form'), modeRandom: $('#mode-random'), modeSimilar: $('#mode-similar'),
  reshuffle: $('#reshuffle'), emb: $('#emb'), exact: $('#exact'), exactControl: $('#exact-control'),
  uploadInput: $('#upload-input'), uploadButton: $('#upload-button'), viewGrid: $('#view-grid'), viewCompare: $('#view-compare'),
  status: $('#status'), error: $('#error'), querybar: $('#querybar'), results: $('#results'),
  gridView: $('#grid-view'), compareView: $('#compare-view'), footer: $('#grid-footer'),
  dropOverlay: $('#drop-overlay'), help: $('#help'), rowHeight: $('#row-height'),
};

let info = null;
let state = parseUrl(location.search);
let loadedKey = null; // the query the results on screen answer
let generation = 0;
let controller = null;
let page = null; // {params, upload, offset, total, limit, loading, done, result}
let lastOpen = { id: null, time: 0 };
let stashedExamples = null; // the last similar query's examples, for the Similar button
const uploads = new Map(); // token -> File (kept for this page's life only)
const thumbs = new Map(); // id -> {thumb, width, height}: for the query chips

// ---------------------------------------------------------------- navigation

const href = (id) => toUrl({ ...state, image: id });

function navigate(next, { replace = false } = {}) {
  const url = toUrl(next);
  if (replace) history.replaceState(null, '', url);
  else if (url !== location.pathname + location.search) history.pushState(null, '', url);
  state = next;
  apply();
}

function update(patch, options) {
  navigate({ ...clone(state), ...patch }, options);
}

window.addEventListener('popstate', () => {
  state = parseUrl(location.search);
  apply();
});

const queryKey = (s) => JSON.stringify([apiParams(s, !!s.upload), s.upload, s.view, s.limit]);

function apply() {
  if (state.upload && !uploads.has(state.upload)) {
    // Files cannot live in a URL: after a reload or from a pasted link the upload is gone.
    showNotice('The uploaded image is not kept (neither by this page nor by the server): upload it again.');
    state = { ...clone(state), upload: '' };
    if (!state.like.length) state.unlike = [];
    history.replaceState(null, '', toUrl(state));
  }
  if (mode(state).includes('similar')) stashedExamples = { like: state.like, unlike: state.unlike, upload: state.upload };
  syncControls();
  const key = queryKey(state);
  if (key !== loadedKey) {
    loadedKey = key;
    load();
  }
  if (state.image !== null) {
    detail.show(state.image);
    grid.markSelected(state.image);
  } else {
    if (detail.isOpen) detail.hide();
    grid.markSelected(null);
  }
}

// ---------------------------------------------------------------- components

const grid = new Grid($('#grid'), els.results, {
  open: (id) => openImage(id),
  more: (id) => moreLike(id),
  mark: (id, kind) => mark(id, kind),
  needMore: () => loadMore(),
  href,
});

const detail = new Detail($('#detail'), {
  close: () => closeDetail(),
  open: (id) => openImage(id),
  more: (id) => moreLike(id),
  mark: (id, kind) => mark(id, kind),
  href,
});

const compare = new Compare(els.compareView, {
  open: (id) => openImage(id),
  more: (id) => moreLike(id),
  href,
});

const filters = new Filters($('#filters'), {
  change: (patch) => update({ filters: { ...state.filters, ...patch } }),
  clear: () => update({ filters: emptyFilters() }),
});

function openImage(id) {
  lastOpen = { id, time: performance.now() };
  if (state.image === id) return;
  update({ image: id });
}

function closeDetail() {
  const id = state.image;
  update({ image: null });
  const index = grid.indexOf(id);
  if (index >= 0) grid.focus(index);
}

// Double-click, `m` or "More like this": the image becomes the one positive example. A double
// click's first click already opened the details: that history entry is replaced, not kept.
function moreLike(id) {
  const replace = lastOpen.id === id && performance.now() - lastOpen.time < 700;
  update({ like: [id], unlike: [], upload: '', image: null }, { replace });
  els.results.scrollTop = 0;
}

function mark(id, kind) {
  if (kind === 'like') {
    update({ like: [...state.like.filter((x) => x !== id), id], unlike: state.unlike.filter((x) => x !== id) });
  } else if (!state.like.filter((x) => x !== id).length && !state.upload) {
    showNotice('A negative example needs a positive one: mark an image with + (or double-click it) first.');
  } else {
    update({ unlike: [...state.unlike.filter((x) => x !== id), id], like: state.like.filter((x) => x !== id) });
  }
}

function unmark(id) {
  const like = state.like.filter((x) => x !== id);
  const unlike = state.unlike.filter((x) => x !== id);
  // Negatives alone are not a query (the API refuses them).
  update({ like, unlike: like.length || state.upload ? unlike : [] });
}

// ---------------------------------------------------------------- loading

function setLoading(on) {
  document.body.dataset.loading = on ? 'true' : 'false';
  els.results.setAttribute('aria-busy', on ? 'true' : 'false');
}

function showError(error) {
  if (!error) {
    els.error.hidden = true;
    return;
  }
  els.error.hidden = false;
  fill(els.error,
    h('strong', {}, error.status ? `Error ${error.status}` : 'Error'),
    error.parameter ? h('span', { class: 'muted' }, ` (${error.parameter})`) : null,
    ': ', h('span', { class: 'error-message' }, error.message));
}

let noticeTimer = 0;
function showNotice(message) {
  const notice = $('#notice') || document.body.appendChild(h('div', { id: 'notice', class: 'notice', role: 'status' }));
  notice.textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, 5000);
}

function pageLimit() {
  const size = info?.page_size || { min: 10, max: 200, default: 50 };
  const wanted = Number(state.limit) || size.default;
  return Math.max(size.min, Math.min(size.max, wanted));
}

// Facets depend on the keywords and filters only: not on the examples, the upload or the embedding.
function facetParams(params) {
  const out = { q: params.q };
  for (const key of FILTER_KEYS) out[key] = params[key];
  return out;
}

async function load() {
  const my = ++generation;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const upload = state.upload ? uploads.get(state.upload) : null;
  const params = apiParams(state, !!upload);
  const similar = mode(state, !!upload).includes('similar');
  page = null;
  showError(null);
  setLoading(true);
  els.status.textContent = 'Loading…';
  document.title = `imagemesh · ${titleOf()}`;
  try {
    if (state.view === 'compare') {
      els.gridView.hidden = true;
      els.compareView.hidden = false;
      grid.reset({ showSimilarity: false });
      if (!similar) {
        compare.prompt('Pick an image first: double-click one in the grid (or press m on it), or upload your own. The comparison then shows its neighbours under every embedding.');
        const facets = await api.facets(facetParams(params), signal);
        if (my !== generation) return;
        filters.update(state, facets.facets, facets.total);
        els.status.textContent = `${plural(facets.total, 'matching image')} · no query image yet`;
        return;
      }
      const [result, facets] = await Promise.all([
        api.compare({ ...params, limit: COMPARE_LIMIT }, upload, signal),
        api.facets(facetParams(params), signal),
      ]);
      if (my !== generation) return;
      compare.render(result);
      rememberThumbs(result.columns.flatMap((c) => c.hits));
      filters.update(state, facets.facets, facets.total);
      els.status.textContent = [
        `${plural(result.total, 'matching image')}`,
        `${describeQuery(null, upload)} under ${plural(result.columns.length, 'embedding')}`,
        `top ${COMPARE_LIMIT} each`, formatMillis(result.millis)].join(' · ');
      return;
    }
    els.gridView.hidden = false;
    els.compareView.hidden = true;
    const limit = pageLimit();
    const result = await api.images({ ...params, offset: 0, limit, facets: 1 }, upload, signal);
    if (my !== generation) return;
    els.results.scrollTop = 0;
    grid.reset({ showSimilarity: similar });
    page = { params, upload, similar, limit, offset: 0, total: result.total, loading: false, done: false, result };
    filters.update(state, result.facets, result.total);
    receive(result);
  } catch (error) {
    if (error.name === 'AbortError' || my !== generation) return;
    showError(error);
    grid.reset({ showSimilarity: false });
    els.footer.replaceChildren();
    els.status.textContent = 'No results: the query was refused.';
    filters.update(state);
  } finally {
    if (my === generation) setLoading(false);
  }
}

function receive(result) {
  const hits = result.hits || [];
  rememberThumbs(hits);
  grid.append(hits);
  page.offset += hits.length;
  page.total = result.total;
  page.result = result;
  page.done = hits.length === 0 || page.offset >= result.total || (page.similar && page.offset >= MAX_RANK);
  renderStatus();
  renderFooter();
  if (state.image !== null) grid.markSelected(state.image);
  // Fill the window: the sentinel may already be in view.
  if (!page.done) requestAnimationFrame(() => { if (grid.nearEnd()) loadMore(); });
}

async function loadMore() {
  if (!page || page.loading || page.done || state.view === 'compare') return;
  const my = generation;
  page.loading = true;
  renderFooter();
  const limit = page.similar ? Math.min(page.limit, MAX_RANK - page.offset) : page.limit;
  try {
    if (limit < (info?.page_size?.min || 10)) {
      page.done = true;
      return;
    }
    const result = await api.images({ ...page.params, offset: page.offset, limit }, page.upload, controller.signal);
    if (my !== generation) return;
    page.loading = false;
    receive(result);
  } catch (error) {
    if (error.name === 'AbortError' || my !== generation) return;
    page.done = true;
    showError(error);
  } finally {
    if (my === generation && page) {
      page.loading = false;
      renderFooter();
    }
  }
}

function renderFooter() {
  if (!page) return;
  const footer = els.footer;
  if (page.loading) {
    footer.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Loading more…');
  } else if (page.total === 0 || page.offset === 0) {
    const hasFilters = FILTER_KEYS.some((k) => (Array.isArray(state.filters[k]) ? state.filters[k].length : state.filters[k]));
    footer.replaceChildren(h('div', { class: 'empty-state' },
      h('h2', {}, 'No images match'),
      h('p', {}, hasFilters || state.q ? 'Try fewer filters or other keywords.' : 'This mesh has no images with thumbnails yet.'),
      hasFilters ? h('button', { type: 'button', onclick: () => update({ filters: emptyFilters() }) }, 'Clear filters') : null,
      state.q ? h('button', { type: 'button', onclick: () => update({ q: '' }) }, 'Clear keywords') : null));
  } else if (page.done) {
    const capped = page.similar && page.offset >= MAX_RANK && page.total > page.offset;
    footer.replaceChildren(h('span', { class: 'muted' }, capped
      ? `Similar search ranks the ${MAX_RANK.toLocaleString('en-US')} nearest images; narrow the filters to see others.`
      : `All ${plural(page.offset, 'image')} shown.`));
  } else {
    footer.replaceChildren(h('button', { type: 'button', class: 'link', onclick: () => loadMore() }, 'Load more'));
  }
}

function describeQuery(result, upload) {
  const parts = [];
  const q = state.q.trim();
  if (q) parts.push(`matching “${q}”`);
  const m = mode(state, !!upload);
  if (m.includes('similar')) {
    const examples = [upload ? 'your image' : null, ...state.like.map((id) => `#${id}`)].filter(Boolean).join(', ');
    const negatives = state.unlike.length ? `, unlike ${state.unlike.map((id) => `#${id}`).join(', ')}` : '';
    parts.push(`similar to ${examples}${negatives}`);
  }
  if (m === 'random') parts.push(`random sample (seed ${result?.seed ?? (state.seed || 1)})`);
  return parts.join(', ');
}

function renderStatus() {
  if (!page) return;
  const r = page.result;
  const upload = page.upload;
  let text = `${page.offset.toLocaleString('en-US')} of ${plural(page.total, 'matching image')} · ${describeQuery(r, upload)}`;
  if (page.similar && r.embedding) text += ` under ${r.embedding}`;
  text += ` · ${r.strategy} · ${formatMillis(r.millis)}`;
  els.status.textContent = text;
}

function titleOf() {
  const upload = state.upload ? uploads.get(state.upload) : null;
  return describeQuery(null, upload) || 'explorer';
}

function rememberThumbs(hits) {
  for (const hit of hits) thumbs.set(hit.id, { thumb: hit.thumb, width: hit.width, height: hit.height });
}

// ---------------------------------------------------------------- controls

function syncControls() {
  const upload = state.upload ? uploads.get(state.upload) : null;
  const m = mode(state, !!upload);
  const similar = m.includes('similar');
  if (document.activeElement !== els.q) els.q.value = state.q;
  els.modeRandom.setAttribute('aria-pressed', String(!similar && !state.q));
  els.modeSimilar.setAttribute('aria-pressed', String(similar));
  els.reshuffle.hidden = m !== 'random';
  els.exactControl.hidden = !similar;
  els.exact.checked = state.exact;
  if (info) {
    els.emb.value = state.emb || info.embeddings[0]?.name || '';
    const embedding = info.embeddings.find((e) => e.name === els.emb.value);
    const canUpload = !!embedding?.uploads;
    els.uploadInput.disabled = !canUpload;
    els.uploadButton.classList.toggle('disabled', !canUpload);
    els.uploadButton.title = canUpload
      ? `Search by an image of your own (or drop or paste one anywhere) · up to ${Math.round((info.max_upload_bytes || 0) / 1048576)} MB`
      : `The ${els.emb.value || 'current'} embedding cannot embed uploads here (its model weights are missing on the server)`;
    const noEmbeddings = !info.embeddings.length;
    els.modeSimilar.disabled = noEmbeddings;
    els.viewCompare.disabled = noEmbeddings;
  }
  els.viewGrid.setAttribute('aria-pressed', String(state.view !== 'compare'));
  els.viewCompare.setAttribute('aria-pressed', String(state.view === 'compare'));
  document.body.dataset.view = state.view;
  document.body.dataset.mode = m;
  filters.update(state);
  renderQuerybar(upload);
}

function renderQuerybar(upload) {
  const chip = (id, kind) => {
    const known = thumbs.get(id);
    const img = h('img', { alt: '', src: known?.thumb || undefined, width: 28, height: 28 });
    if (!known) {
      api.image(id).then((d) => {
        thumbs.set(id, { thumb: d.thumb });
        img.src = d.thumb;
      }).catch(() => {});
    }
    return h('span', { class: `chip example ${kind}`, dataset: { id } },
      h('button', { type: 'button', class: 'chip-open', title: `Details of image #${id}`, onclick: () => openImage(id) }, img, `#${id}`),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove image ${id} from the ${kind === 'like' ? 'positive' : 'negative'} examples`, onclick: () => unmark(id) }, '×'));
  };
  const parts = [];
  if (upload || state.like.length) {
    parts.push(h('span', { class: 'querybar-label' }, 'More like'));
    if (upload) {
      if (!upload.previewUrl) upload.previewUrl = URL.createObjectURL(upload);
      parts.push(h('span', { class: 'chip example like upload' },
        h('span', { class: 'chip-open' }, h('img', { alt: '', src: upload.previewUrl, width: 28, height: 28 }), 'your image'),
        h('button', { type: 'button', class: 'chip-remove', 'aria-label': 'Remove the uploaded image', onclick: () => update({ upload: '', unlike: state.like.length ? state.unlike : [] }) }, '×')));
    }
    parts.push(...state.like.map((id) => chip(id, 'like')));
  }
  if (state.unlike.length) {
    parts.push(h('span', { class: 'querybar-label' }, 'Less like'));
    parts.push(...state.unlike.map((id) => chip(id, 'unlike')));
  }
  if (parts.length) {
    parts.push(h('button', { type: 'button', class: 'link small', onclick: () => update({ like: [], unlike: [], upload: '', view: 'grid' }) }, 'Clear examples'));
  }
  els.querybar.hidden = !parts.length;
  els.querybar.replaceChildren(...parts);
}

els.searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = els.q.value.trim();
  if (q !== state.q) update({ q });
  els.q.blur();
});
els.q.addEventListener('search', () => {
  if (els.q.value === '' && state.q) update({ q: '' });
});

els.modeRandom.addEventListener('click', () => {
  update({ q: '', like: [], unlike: [], upload: '', view: 'grid' });
});

els.modeSimilar.addEventListener('click', () => {
  if (mode(state).includes('similar')) return;
  const focused = state.image ?? grid.focusedId();
  if (focused !== null) {
    update({ like: [focused], unlike: [], upload: '' });
  } else if (stashedExamples && (stashedExamples.like.length || uploads.has(stashedExamples.upload))) {
    update({ like: stashedExamples.like, unlike: stashedExamples.unlike, upload: uploads.has(stashedExamples.upload) ? stashedExamples.upload : '' });
  } else {
    showNotice('Similar mode needs an example: double-click an image (or press m on it), or upload one.');
  }
});

function reshuffle() {
  const words = new Uint32Array(1);
  crypto.getRandomValues(words);
  update({ seed: String(words[0] + 2) }); // 1 is the default seed
}
els.reshuffle.addEventListener('click', reshuffle);
els.emb.addEventListener('change', () => update({ emb: els.emb.value }));
els.exact.addEventListener('change', () => update({ exact: els.exact.checked }));
els.viewGrid.addEventListener('click', () => update({ view: 'grid' }));
els.viewCompare.addEventListener('click', () => update({ view: 'compare' }));
$('#help-button').addEventListener('click', () => els.help.showModal());

const savedHeight = Number(localStorage.getItem(ROW_HEIGHT_KEY));
if (savedHeight >= 110 && savedHeight <= 256) els.rowHeight.value = String(savedHeight);
grid.setRowHeight(Number(els.rowHeight.value));
els.rowHeight.addEventListener('input', () => {
  grid.setRowHeight(Number(els.rowHeight.value));
  localStorage.setItem(ROW_HEIGHT_KEY, els.rowHeight.value);
});

// ---------------------------------------------------------------- upload

function uploadFile(file) {
  if (!file) return;
  if (els.uploadInput.disabled) {
    showNotice(els.uploadButton.title);
    return;
  }
  const max = info?.max_upload_bytes;
  if (max && file.size > max) {
    showError({ status: 413, message: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the server takes images up to ${(max / 1048576).toFixed(0)} MB.` });
    return;
  }
  const token = `u${Date.now().toString(36)}`;
  uploads.set(token, file);
  update({ upload: token, like: [], unlike: [], image: null });
  els.results.scrollTop = 0;
}

els.uploadInput.addEventListener('change', () => {
  uploadFile(els.uploadInput.files[0]);
  els.uploadInput.value = '';
});

let dragDepth = 0;
const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
window.addEventListener('dragenter', (event) => {
  if (!hasFiles(event)) return;
  dragDepth++;
  els.dropOverlay.hidden = false;
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) els.dropOverlay.hidden = true;
});
window.addEventListener('dragover', (event) => {
  if (hasFiles(event)) event.preventDefault();
});
window.addEventListener('drop', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  els.dropOverlay.hidden = true;
  uploadFile(event.dataTransfer.files[0]);
});
window.addEventListener('paste', (event) => {
  if (event.target.closest?.('input, textarea')) return;
  const file = [...(event.clipboardData?.files || [])].find((f) => f.type.startsWith('image/'));
  if (file) uploadFile(file);
});

// ---------------------------------------------------------------- keyboard

window.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest?.('input, select, textarea, dialog')) {
    if (event.key === 'Escape' && target.matches('input, select, textarea') && !target.closest('dialog')) target.blur();
    return;
  }
  const key = event.key;
  if (key === '/') {
    event.preventDefault();
    els.q.focus();
    els.q.select();
  } else if (key.startsWith('Arrow') && state.view !== 'compare') {
    if (target.closest?.('.detail') && (key === 'ArrowUp' || key === 'ArrowDown')) return; // scroll the panel
    event.preventDefault();
    const id = grid.move(key);
    if (id !== null && detail.isOpen) update({ image: id }, { replace: true });
  } else if (key === 'Enter' && !target.closest?.('a, button')) {
    const id = grid.focusedId();
    if (id !== null) {
      event.preventDefault();
      openImage(id);
    }
  } else if (key === 'Escape') {
    if (detail.isOpen) {
      event.preventDefault();
      closeDetail();
    }
  } else if (key === 'm' || key === '+' || key === '=' || key === '-') {
    const id = detail.isOpen && state.image !== null ? state.image : grid.focusedId();
    if (id === null) return;
    event.preventDefault();
    if (key === 'm') moreLike(id);
    else mark(id, key === '-' ? 'unlike' : 'like');
  } else if (key === 'r' && mode(state) === 'random') {
    reshuffle();
  } else if (key === '?') {
    els.help.showModal();
  }
});

// ---------------------------------------------------------------- start

async function start() {
  try {
    info = await api.info();
  } catch (error) {
    setLoading(false);
    showError(error);
    els.status.textContent = 'The explorer could not start.';
    return;
  }
  els.emb.replaceChildren(...info.embeddings.map((e) => h('option', { value: e.name, title: e.summary || '' }, `${e.name}${e.dimension ? ` · ${e.dimension}d` : ''}`)));
  if (!info.embeddings.length) {
    els.emb.append(h('option', { value: '' }, 'none'));
    els.emb.disabled = true;
  }
  $('.brand').title = `imagemesh ${info.version}: ${plural(info.images, 'image')} from ${plural(info.papers, 'paper')}`;
  apply();
}

start();
