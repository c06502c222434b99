// Tiny DOM helpers: h('div', {class: 'x', onclick: fn}, child, 'text', [more]).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') {
      for (const [name, v] of Object.entries(value)) {
        if (name.startsWith('--')) el.style.setProperty(name, v);
        else el.style[name] = v;
      }
    }
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// Replaces an element's children; like h(), skips null, false and undefined (which the DOM's own
// replaceChildren would show as the text "null").
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Text with [matches] (the API's snippet convention) as <mark> elements.
export function marked(text) {
  const out = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (let m; (m = re.exec(text));) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h('mark', {}, m[1]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// arXiv metadata keeps TeX accents in names and titles (`Bal\\'azs`, `Erd\\H{o}s`) and escaped
// specials (`\\$`, `\\%`): shown as letters. Text only: math goes through math.js.
const ACCENTS = { "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307', H: '\u030b', c: '\u0327', v: '\u030c', u: '\u0306', k: '\u0328', r: '\u030a' };
const LETTERS = { o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', ss: 'ß', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', i: 'ı', j: 'ȷ' };
export function texText(text) {
  if (!text || !text.includes('\\')) return text || '';
  return text
    .replace(/\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![a-zA-Z])\s*/g, (m, name) => LETTERS[name])
    .replace(/\\([Hcvukr](?=[\s{])|['`^"~=.])\s*(?:\{\s*([a-zA-Z\u0131\u0237])\s*\}|([a-zA-Z\u0131\u0237]))/g,
      (m, accent, braced, bare) => (braced || bare) + ACCENTS[accent.trim()])
    .replace(/\{([^{}\\]*)\}/g, '$1')
    .replace(/\\([$%&#_{}])/g, '$1')
    .normalize('NFC');
}

export const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatBytes(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMillis(ms) {
  if (ms == null) return '';
  return ms < 10 ? `${ms.toFixed(1).replace(/\.0$/, '')} ms` : `${Math.round(ms)} ms`;
}
