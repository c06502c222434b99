// Compare embeddings: the same similar query under every embedding (GET or POST /api/compare),
// one column per embedding in rank order, and the overlap matrix of their neighbour sets.
import { h, texText } from './dom.js';

export class Compare {
  // handlers: open(id), more(id), href(id)
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
  }

  prompt(message) {
    this.root.replaceChildren(h('div', { class: 'empty-state' }, h('h2', {}, 'Compare embeddings'), h('p', {}, message)));
  }

  render(result) {
    const columns = result.columns || [];
    const names = columns.map((c) => c.embedding);
    const counts = new Map();
    const ranks = new Map(); // id -> ["raw #1", "mobilenet #7"]
    for (const column of columns) {
      column.hits.forEach((hit, r) => {
        counts.set(hit.id, (counts.get(hit.id) || 0) + 1);
        ranks.set(hit.id, [...(ranks.get(hit.id) || []), `${column.embedding} #${r + 1}`]);
      });
    }
    const rows = Math.max(0, ...columns.map((c) => c.hits.length));

    const overlap = result.overlap || [];
    const matrix = h('table', { class: 'overlap', 'aria-label': 'Overlap matrix: neighbours shared by each pair of embeddings' },
      h('thead', {}, h('tr', {}, h('td', {}), names.map((n) => h('th', { scope: 'col' }, n)))),
      h('tbody', {}, names.map((rowName, i) => h('tr', {}, h('th', { scope: 'row' }, rowName), names.map((colName, j) => {
        const value = overlap[i]?.[j] ?? 0;
        const size = Math.min(columns[i].hits.length, columns[j].hits.length) || 1;
        const share = value / size;
        const diagonal = i === j;
        return h('td', {
          class: diagonal ? 'diag' : 'pair',
          style: diagonal ? undefined : { '--share': share.toFixed(3) },
          title: diagonal ? `${rowName}: ${value} hits` : `${rowName} and ${colName} share ${value} of their top ${size} (${Math.round(share * 100)} %)`,
        }, h('span', { class: 'n' }, String(value)), diagonal ? null : h('span', { class: 'pct' }, `${Math.round(share * 100)} %`));
      })))));

    const grid = h('div', { class: 'compare-columns', role: 'table', 'aria-label': 'Neighbours per embedding, in rank order', style: { '--columns': String(columns.length || 1) } },
      h('div', { class: 'compare-row compare-header', role: 'row' }, columns.map((c) => h('div', { class: 'compare-title', role: 'columnheader' },
        h('strong', {}, c.embedding), h('span', { class: 'muted' }, c.error ? ' · not available' : ` · ${c.strategy} · ${c.hits.length}`),
        c.error ? h('p', { class: 'column-error', role: 'note' }, c.error) : null))));
    for (let r = 0; r < rows; r++) {
      grid.append(h('div', { class: 'compare-row', role: 'row' }, columns.map((c) => {
        const hit = c.hits[r];
        if (!hit) return h('div', { class: 'compare-cell empty', role: 'cell' });
        const shared = counts.get(hit.id);
        return h('div', { class: `compare-cell${shared > 1 ? ' shared' : ''}`, role: 'cell', dataset: { id: hit.id } },
          h('a', {
            href: this.handlers.href(hit.id), title: `${texText(hit.title)}\n${hit.paper} · ${hit.path}`,
            'aria-label': `${c.embedding} rank ${r + 1}: ${hit.path || hit.id}${shared > 1 ? `, in ${shared} columns` : ''}`,
            onclick: (event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
              event.preventDefault();
              this.handlers.open(hit.id);
            },
            ondblclick: (event) => {
              event.preventDefault();
              this.handlers.more(hit.id);
            },
            onmouseenter: () => this.highlight(hit.id),
            onmouseleave: () => this.highlight(null),
            onfocus: () => this.highlight(hit.id),
            onblur: () => this.highlight(null),
          },
          h('img', { src: hit.thumb, alt: '', width: hit.width || undefined, height: hit.height || undefined, loading: 'lazy', decoding: 'async' })),
          h('span', { class: 'rank' }, String(r + 1)),
          typeof hit.similarity === 'number' ? h('span', { class: 'badge similarity' }, hit.similarity.toFixed(3)) : null,
          shared > 1 ? h('span', { class: 'badge shared-count', title: `in ${shared} of ${columns.length} columns: ${ranks.get(hit.id).join(', ')}` }, `×${shared}`) : null);
      })));
    }
    this.grid = grid;
    this.root.replaceChildren(h('div', { class: 'compare-top' },
      h('div', { class: 'overlap-card' }, h('h3', {}, 'Shared neighbours'), h('p', { class: 'muted small' }, 'images in the top of both embeddings'), matrix),
      h('p', { class: 'muted small compare-help' },
        columns.length > 1
          ? 'Each column is the same query under one embedding, best first. Images found by several embeddings are marked ×n; point at one to see it in every column. Double-click an image to search from it.'
          : 'This mesh has one embedding, so there is nothing to compare it with yet: `imagemesh embed --model mobilenet` (or inception) adds another.')), grid);
  }

  highlight(id) {
    if (!this.grid) return;
    this.grid.classList.toggle('hovering', id !== null);
    for (const cell of this.grid.querySelectorAll('.compare-cell.hl')) cell.classList.remove('hl');
    if (id !== null) for (const cell of this.grid.querySelectorAll(`.compare-cell[data-id="${id}"]`)) cell.classList.add('hl');
  }
}
