// TeX math in captions, abstracts and titles, typeset by KaTeX: Debian's libjs-katex, built into the
// binary under /static/vendor/katex/ (cmake/embed_web.cmake). KaTeX is fetched the first time the
// detail panel shows math, so the grid's first paint never pays for its script, CSS and fonts.
//
// The text is untrusted TeX. Text outside math only ever becomes text nodes; math goes to
// katex.render, which builds DOM nodes (no innerHTML), with trust off (no \href, \url,
// \includegraphics, \htmlClass…), bounded sizes and macro expansions, and errors drawn instead of
// thrown. A formula KaTeX cannot typeset stays as its TeX source.
import { h, texText } from './dom.js';

const KATEX_OPTIONS = Object.freeze({
  throwOnError: false, // a parse error is drawn as the formula's source (span.katex-error)
  errorColor: '#686d74', // --muted: a formula KaTeX does not know reads as source, not as an alarm
  trust: false,
  strict: 'ignore', // arXiv TeX is full of non-standard input that KaTeX typesets anyway
  maxSize: 10, // em, for \rule, \kern and the like: none bigger than the panel
  maxExpand: 500, // macro expansions per formula: a \def loop ends as an error
  output: 'htmlAndMathml', // the MathML is what screen readers read
});
// Captions hold formulas, not papers: anything longer stays as source.
const MAX_TEX_LENGTH = 2000;
const CLOSERS = { $: '$', $$: '$$', '\\(': '\\)', '\\[': '\\]' };

// The pieces of `text`: {text} outside math and {tex, display} for $…$, $$…$$, \(…\) and \[…\].
// A backslash escapes the next character (\$ is a dollar). An unclosed or empty delimiter is text,
// and so is a $ whose closing $ is followed by a digit: "between $5 and $10" (the extractor's plain
// captions write \$ as $; a formula never ends right before a digit).
export function splitMath(text) {
  const pieces = [];
  let plain = '';
  for (let i = 0; i < text.length;) {
    let open = null;
    if (text[i] === '$') open = text[i + 1] === '$' ? '$$' : '$';
    else if (text[i] === '\\' && (text[i + 1] === '(' || text[i + 1] === '[')) open = text.slice(i, i + 2);
    if (!open) {
      const step = text[i] === '\\' ? 2 : 1; // an escape stays with its character
      plain += text.slice(i, i + step);
      i += step;
      continue;
    }
    const close = CLOSERS[open];
    const end = closing(text, i + open.length, close);
    const tex = end < 0 ? '' : text.slice(i + open.length, end);
    if (!tex.trim()) {
      plain += open;
      i += open.length;
      continue;
    }
    if (plain) pieces.push({ text: plain });
    plain = '';
    pieces.push({ tex, display: open === '$$' || open === '\\[' });
    i = end + close.length;
  }
  if (plain) pieces.push({ text: plain });
  return pieces;
}

// Where `close` ends the formula that starts at `from`, or -1.
function closing(text, from, close) {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') {
      if (text.startsWith(close, i)) return i;
      i++; // \$, \\, \{: never a delimiter
    } else if (text.startsWith(close, i)) {
      return close === '$' && /[0-9]/.test(text[i + 1] || '') ? -1 : i;
    }
  }
  return -1;
}

// `text` as nodes for h(): text outside math through texText() (accents, escapes), each formula a
// placeholder showing its source until typeset() replaces it.
export function mathText(text) {
  return splitMath(text || '').map((piece) => (piece.tex === undefined
    ? texText(piece.text)
    : h('span', { class: 'tex', title: 'TeX, as written', dataset: piece.display ? { tex: piece.tex, display: 'block' } : { tex: piece.tex } }, piece.tex)));
}

let loading = null;

// KaTeX's global, once its CSS and script have loaded (once per page; a failure is retried by the
// next call). The Debian build is a UMD bundle: imported as a module it defines globalThis.katex.
export function loadKatex() {
  if (!loading) {
    const dir = new URL('./vendor/katex/', import.meta.url);
    loading = Promise.all([stylesheet(new URL('katex.min.css', dir).href), import(new URL('katex.min.js', dir).href)])
      .then(() => {
        if (typeof globalThis.katex?.render !== 'function') throw new Error('KaTeX did not define katex.render');
        return globalThis.katex;
      });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function stylesheet(href) {
  return new Promise((resolve, reject) => {
    const link = h('link', {
      rel: 'stylesheet',
      href,
      onload: () => resolve(),
      onerror: () => {
        link.remove();
        reject(new Error(`cannot load ${href}`));
      },
    });
    document.head.append(link);
  });
}

// Typesets the placeholders of mathText() under `root`, loading KaTeX first if there are any.
// Resolves to how many were typeset; those KaTeX cannot take (and all, if it does not load) keep
// their source.
export async function typeset(root) {
  const spans = [...root.querySelectorAll('span.tex[data-tex]')];
  if (!spans.length) return 0;
  let katex;
  try {
    katex = await loadKatex();
  } catch {
    return 0;
  }
  let count = 0;
  for (const span of spans) {
    const { tex, display } = span.dataset;
    if (!span.isConnected || tex.length > MAX_TEX_LENGTH) continue;
    const out = document.createElement('span');
    try {
      // A fresh macro table per formula: a \gdef in one caption cannot redefine another's.
      katex.render(tex, out, { ...KATEX_OPTIONS, displayMode: display === 'block', macros: {} });
    } catch {
      continue; // not a TeX error (those are drawn): keep the source
    }
    span.replaceChildren(...out.childNodes);
    span.className = 'math';
    span.removeAttribute('title');
    delete span.dataset.tex;
    count += 1;
  }
  return count;
}
