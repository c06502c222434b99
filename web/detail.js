// The detail panel: everything GET /api/image/{id} says about one image.
import { api } from './api.js';
import { fill, formatBytes, h, plural, texText } from './dom.js';
import { mathText, typeset } from './math.js';

export class Detail {
  // handlers: close(), open(id), more(id), mark(id, kind), href(id), error(err)
  constructor(panel, handlers) {
    this.panel = panel;
    this.handlers = handlers;
    this.cache = new Map();
    this.id = null;
    this.controller = null;
    this.body = panel.querySelector('.detail-body');
    panel.querySelector('.detail-close').addEventListener('click', () => handlers.close());
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  async show(id, { focus = false } = {}) {
    this.panel.hidden = false;
    document.body.classList.add('detail-open');
    if (this.id === id && this.body.dataset.id === String(id)) return;
    this.id = id;
    this.controller?.abort();
    this.controller = new AbortController();
    this.panel.setAttribute('aria-busy', 'true');
    this.body.dataset.id = '';
    this.body.replaceChildren(h('p', { class: 'muted loading-text' }, `Loading image #${id}…`));
    try {
      let detail = this.cache.get(id);
      if (!detail) {
        detail = await api.image(id, this.controller.signal);
        this.cache.set(id, detail);
      }
      if (this.id !== id) return;
      this.render(detail);
      this.body.scrollTop = 0;
      if (focus) this.panel.querySelector('.detail-close').focus();
    } catch (error) {
      if (error.name === 'AbortError') return;
      this.body.replaceChildren(h('p', { class: 'error-text', role: 'alert' }, error.message));
    } finally {
      if (this.id === id) this.panel.removeAttribute('aria-busy');
    }
  }

  hide() {
    this.controller?.abort();
    this.panel.hidden = true;
    this.id = null;
    this.body.dataset.id = '';
    document.body.classList.remove('detail-open');
  }

  render(d) {
    const paper = d.paper || {};
    const { handlers } = this;
    const ratio = d.raster_width && d.raster_height ? `${d.raster_width} / ${d.raster_height}` : 'auto';
    const figures = (d.occurrences || []).flatMap((o) => (o.figures || []).map((f) => ({ ...f, paper: o.paper, path: o.path })));
    const pixelSize = d.width_px && d.height_px
      ? `${d.width_px} × ${d.height_px} px`
      : `vector${d.pages ? `, ${plural(d.pages, 'page')}` : ''}`;
    const firstPath = d.path || d.occurrences?.[0]?.path || '';

    const figureBlocks = figures.length
      ? figures.map((f) => h('div', { class: 'figure-use' },
        h('div', { class: 'figure-head' },
          h('strong', {}, `Figure ${f.figure}${f.subfigure ? ` (${String.fromCharCode(96 + f.subfigure)})` : ''}`),
          f.paper !== paper.id ? h('span', { class: 'muted' }, ` in ${f.paper}`) : null,
          f.label ? h('code', { class: 'label' }, f.label) : null),
        f.caption ? h('p', { class: 'caption-text' }, mathText(f.caption)) : h('p', { class: 'muted' }, 'No caption.'),
        f.subfigure_caption || f.subfigure_label
          ? h('p', { class: 'caption-text subcaption' },
            h('strong', {}, `(${String.fromCharCode(96 + (f.subfigure || 1))}) `),
            f.subfigure_caption ? mathText(f.subfigure_caption) : null,
            f.subfigure_label ? h('code', { class: 'label' }, ` ${f.subfigure_label}`) : null)
          : null,
        f.caption_tex && f.caption_tex !== f.caption
          ? h('details', { class: 'tex-source' }, h('summary', {}, 'LaTeX source'), h('pre', {}, f.caption_tex))
          : null))
      : [h('p', { class: 'muted' }, 'Not included by any figure: a file of the source that no \\includegraphics uses.')];

    const rows = [
      ['File', h('code', {}, firstPath)],
      ['Format', d.format],
      ['Size', `${pixelSize} · ${formatBytes(d.size_bytes)}`],
      ['Raster', d.raster_width ? `${d.raster_width} × ${d.raster_height} px` : '—'],
      ['Creator', d.creator || '—'],
      d.color ? ['Colour', d.color] : null,
      ['Image id', h('span', {}, `#${d.id} · `, h('code', { title: d.sha256 }, `${(d.sha256 || '').slice(0, 12)}…`))],
    ].filter(Boolean);

    const predictions = (d.predictions || []).map((p) => h('li', {},
      h('span', { class: 'pred-model' }, p.model), ' ',
      h('strong', {}, p.label),
      h('span', { class: 'pred-bar', 'aria-hidden': 'true' }, h('span', { style: { width: `${Math.round(p.probability * 100)}%` } })),
      h('span', { class: 'muted' }, `${Math.round(p.probability * 100)} %`)));

    const siblings = (d.siblings || []).map((s) => h('a', {
      class: 'sibling', href: handlers.href(s.id), title: s.path || `image ${s.id}`,
      'aria-label': `Other image of this paper: ${s.path || s.id}`,
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        handlers.open(s.id);
      },
      ondblclick: (event) => {
        event.preventDefault();
        handlers.more(s.id);
      },
    }, h('img', { src: s.thumb, alt: '', width: s.width || undefined, height: s.height || undefined, loading: 'lazy', style: { aspectRatio: s.width && s.height ? `${s.width} / ${s.height}` : 'auto' } })));

    const categories = (paper.categories || []).map((c, i) => h('li', { class: i === 0 ? 'primary' : '' }, h('code', {}, c.code), c.name && c.name !== c.code ? ` ${c.name}` : ''));

    fill(this.body,
      h('div', { class: 'detail-figure', style: { aspectRatio: ratio } },
        h('a', { href: d.raster, target: '_blank', rel: 'noopener', title: 'Open the raster in a new tab' },
          h('img', { src: d.raster, alt: figures[0]?.caption ? `Figure: ${figures[0].caption}` : `Image ${d.id}`, width: d.raster_width || undefined, height: d.raster_height || undefined }))),
      h('div', { class: 'detail-actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => handlers.more(d.id), title: 'Similar images (m)' }, 'More like this'),
        h('button', { type: 'button', class: 'like', onclick: () => handlers.mark(d.id, 'like'), title: 'Add as a positive example (+)' }, '+ Positive'),
        h('button', { type: 'button', class: 'unlike', onclick: () => handlers.mark(d.id, 'unlike'), title: 'Add as a negative example (−)' }, '− Negative'),
        paper.url ? h('a', { class: 'button', href: paper.url, target: '_blank', rel: 'noopener' }, 'arXiv ↗') : null),
      h('section', { class: 'detail-section' },
        h('h2', { id: 'detail-title' }, paper.title ? mathText(paper.title) : '(untitled)'),
        paper.authors ? h('p', { class: 'authors' }, texText(paper.authors)) : null,
        h('p', { class: 'paper-line' },
          paper.url ? h('a', { href: paper.url, target: '_blank', rel: 'noopener' }, `arXiv:${paper.id}`) : h('span', {}, paper.id),
          paper.date ? ` · ${paper.date}` : '',
          paper.license ? ` · ${paper.license}` : '',
          paper.described_by && paper.described_by !== 'arxiv' ? h('span', { class: 'muted', title: 'No arXiv metadata record: title and authors come from the LaTeX source' }, ` · from ${paper.described_by}`) : ''),
        categories.length ? h('ul', { class: 'categories', 'aria-label': 'Categories' }, categories) : null,
        paper.journal_ref || paper.doi ? h('p', { class: 'muted small' }, [paper.journal_ref, paper.doi && `doi:${paper.doi}`].filter(Boolean).join(' · ')) : null,
        paper.abstract ? h('details', { class: 'abstract' }, h('summary', {}, 'Abstract'), h('p', {}, mathText(paper.abstract))) : null),
      h('section', { class: 'detail-section' }, h('h3', {}, 'Figure'), figureBlocks),
      h('section', { class: 'detail-section' }, h('h3', {}, 'Image'),
        h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
      predictions.length ? h('section', { class: 'detail-section' }, h('h3', {}, 'Predictions'), h('ul', { class: 'predictions' }, predictions)) : null,
      siblings.length ? h('section', { class: 'detail-section' }, h('h3', {}, `Other images of this paper (${siblings.length})`), h('div', { class: 'siblings' }, siblings)) : null,
    );
    this.body.dataset.id = String(d.id);
    // After the panel is shown: KaTeX loads (once) only for a panel that has math.
    typeset(this.body);
  }
}
