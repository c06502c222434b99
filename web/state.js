// The whole view lives in the URL: the API's own query parameters (docs/api.md) plus the page's
// `image` (the open detail panel), `view=compare` and `upload` (a token for an uploaded file held in
// memory: files cannot be put in a URL, so a reload or a pasted link drops the upload).
import { queryString } from './api.js';

// Filters in the order they appear in URLs; the first group are lists.
export const LIST_FILTERS = ['archive', 'category', 'format', 'type', 'cluster', 'license'];
export const TEXT_FILTERS = ['cats', 'from', 'to', 'creator', 'has_caption', 'in_figure', 'paper', 'author', 'title', 'caption', 'abstract'];
export const FILTER_KEYS = [...LIST_FILTERS, ...TEXT_FILTERS];

export function emptyFilters() {
  const filters = {};
  for (const key of LIST_FILTERS) filters[key] = [];
  for (const key of TEXT_FILTERS) filters[key] = '';
  return filters;
}

export function emptyState() {
  return { q: '', like: [], unlike: [], upload: '', emb: '', exact: false, seed: '', limit: '', filters: emptyFilters(), view: 'grid', image: null };
}

const splitList = (text) => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : []);
const ids = (text) => [...new Set(splitList(text).filter((s) => /^\d+$/.test(s)).map(Number))];

export function parseUrl(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = params.get('q') || '';
  state.like = ids(params.get('like'));
  state.unlike = ids(params.get('unlike')).filter((id) => !state.like.includes(id));
  state.upload = params.get('upload') || '';
  state.emb = params.get('emb') || '';
  state.exact = params.get('exact') === '1';
  state.seed = /^\d+$/.test(params.get('seed') || '') ? params.get('seed') : '';
  state.limit = /^\d+$/.test(params.get('limit') || '') ? params.get('limit') : '';
  for (const key of LIST_FILTERS) state.filters[key] = splitList(params.get(key));
  for (const key of TEXT_FILTERS) state.filters[key] = params.get(key) || '';
  state.view = params.get('view') === 'compare' ? 'compare' : 'grid';
  const image = params.get('image');
  state.image = image && /^\d+$/.test(image) ? Number(image) : null;
  return state;
}

export function toUrl(state) {
  const params = { q: state.q, like: state.like, unlike: state.unlike, upload: state.upload, emb: state.emb, exact: state.exact ? '1' : '', seed: state.seed, limit: state.limit };
  for (const key of FILTER_KEYS) params[key] = state.filters[key];
  params.view = state.view === 'compare' ? 'compare' : '';
  params.image = state.image ?? '';
  return `/${queryString(params)}`;
}

export function mode(state, hasUpload = !!state.upload) {
  const similar = state.like.length > 0 || hasUpload;
  if (similar) return state.q ? 'keyword+similar' : 'similar';
  return state.q ? 'keyword' : 'random';
}

// The API parameters of the query (no paging). `seed` only means something in random mode, and
// `unlike` only with a positive or an upload.
export function apiParams(state, hasUpload) {
  const m = mode(state, hasUpload);
  const params = { q: state.q, like: state.like, emb: state.emb };
  if (m.includes('similar')) {
    params.unlike = state.unlike;
    if (state.exact) params.exact = '1';
  }
  if (m === 'random' && state.seed) params.seed = state.seed;
  for (const key of FILTER_KEYS) {
    const value = state.filters[key];
    params[key] = Array.isArray(value) ? value : value.trim();
  }
  if (params.paper) params.paper = splitList(params.paper.replace(/\s+/g, ','));
  return params;
}

export function activeFilterCount(filters) {
  return FILTER_KEYS.filter((key) => key !== 'cats' && (Array.isArray(filters[key]) ? filters[key].length : filters[key].trim())).length;
}

export const clone = (state) => ({ ...state, like: [...state.like], unlike: [...state.unlike], filters: structuredClone(state.filters) });
