// The result grid: justified rows of thumbnail cards, absolutely positioned so that appending a
// page or resizing the window moves cards without rebuilding them; a roving focus for the keyboard.
import { h, marked, texText } from './dom.js';
import { aspectOf, justify } from './layout.js';

const GAP = 8;

export class Grid {
  // handlers: open(id), more(id), mark(id, 'like' | 'unlike'), needMore(), href(id)
  constructor(root, scroller, handlers) {
    this.root = root;
    this.scroller = scroller;
    this.handlers = handlers;
    this.hits = [];
    this.cells = [];
    this.rows = [];
    this.boxes = [];
    this.focusIndex = -1;
    this.rowHeight = 180;
    this.showSimilarity = false;
    this.sentinel = h('div', { class: 'grid-sentinel', 'aria-hidden': 'true' });
    root.after(this.sentinel);
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.handlers.needMore();
    }, { root: scroller, rootMargin: '0px 0px 800px 0px' });
    this.observer.observe(this.sentinel);
    let lastWidth = 0;
    new ResizeObserver(() => {
      const width = this.root.clientWidth;
      if (width !== lastWidth) {
        lastWidth = width;
        this.layout();
      }
    }).observe(root);
  }

  // Is the bottom of the grid within reach (so another page should load now)?
  nearEnd() {
    const rect = this.sentinel.getBoundingClientRect();
    const view = this.scroller.getBoundingClientRect();
    return rect.top < view.bottom + 800;
  }

  setRowHeight(px) {
    this.rowHeight = px;
    this.layout();
  }

  reset({ showSimilarity }) {
    this.hits = [];
    this.cells = [];
    this.focusIndex = -1;
    this.showSimilarity = showSimilarity;
    this.root.replaceChildren();
    this.root.style.height = '0px';
  }

  append(hits) {
    const fragment = document.createDocumentFragment();
    for (const hit of hits) {
      const cell = this.card(hit, this.hits.length);
      this.hits.push(hit);
      this.cells.push(cell);
      fragment.append(cell);
    }
    this.layout();
    this.root.append(fragment);
    if (this.focusIndex < 0 && this.cells.length) this.cells[0].querySelector('a').tabIndex = 0;
  }

  card(hit, index) {
    const title = texText(hit.title);
    const label = [hit.path || `image ${hit.id}`, hit.paper && `in arXiv ${hit.paper}`, title && `“${title}”`].filter(Boolean).join(' ');
    const img = h('img', {
      src: hit.thumb, alt: '', width: hit.width || undefined, height: hit.height || undefined,
      loading: 'lazy', decoding: 'async', draggable: 'false',
    });
    img.addEventListener('load', () => img.classList.add('loaded'), { once: true });
    img.addEventListener('error', () => img.closest('.cell')?.classList.add('broken'), { once: true });
    const similarity = this.showSimilarity && typeof hit.similarity === 'number'
      ? h('span', { class: 'badge similarity', title: 'cosine similarity to the query (1 = identical vectors)' }, hit.similarity.toFixed(3))
      : null;
    const tooltip = [title, `${hit.paper} · ${hit.path}`, hit.snippet && hit.snippet.replace(/[[\]]/g, '')].filter(Boolean).join('\n');
    const anchor = h('a', {
      class: 'card', href: this.handlers.href(hit.id), tabindex: '-1', title: tooltip,
      'aria-label': `${label}${similarity ? `, similarity ${hit.similarity.toFixed(3)}` : ''}`,
      dataset: { id: hit.id, index },
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        this.focus(index, false);
        this.handlers.open(hit.id);
      },
      ondblclick: (event) => {
        event.preventDefault();
        this.handlers.more(hit.id);
      },
      onfocus: () => this.setFocusIndex(index),
    }, img, similarity, hit.snippet
      ? h('span', { class: 'caption snippet' }, h('span', {}, marked(hit.snippet)))
      : h('span', { class: 'caption' }, `${hit.paper || ''}${hit.format ? ` · ${hit.format}` : ''}`));
    const actions = h('div', { class: 'card-actions' },
      h('button', { type: 'button', class: 'mark like', title: 'More like this: add as a positive example (+)', 'aria-label': `Add image ${hit.id} as a positive example`, onclick: () => this.handlers.mark(hit.id, 'like') }, '+'),
      h('button', { type: 'button', class: 'mark unlike', title: 'Less like this: add as a negative example (−)', 'aria-label': `Add image ${hit.id} as a negative example`, onclick: () => this.handlers.mark(hit.id, 'unlike') }, '−'));
    return h('div', { class: 'cell', dataset: { id: hit.id } }, anchor, actions);
  }

  layout() {
    const width = this.root.clientWidth;
    if (!width || !this.hits.length) return;
    const items = this.hits.map((hit) => ({ aspect: aspectOf(hit.width, hit.height) }));
    const { boxes, rows, height } = justify(items, { width, rowHeight: this.rowHeight, gap: GAP });
    this.boxes = boxes;
    this.rows = rows;
    boxes.forEach((box, i) => {
      const style = this.cells[i].style;
      style.transform = `translate(${box.x}px, ${box.y}px)`;
      style.width = `${box.w}px`;
      style.height = `${box.h}px`;
    });
    this.root.style.height = `${height}px`;
  }

  setFocusIndex(index) {
    if (this.focusIndex >= 0 && this.cells[this.focusIndex]) this.cells[this.focusIndex].querySelector('a').tabIndex = -1;
    this.focusIndex = index;
    this.cells[index].querySelector('a').tabIndex = 0;
  }

  focus(index, scroll = true) {
    if (!this.cells.length) return;
    index = Math.max(0, Math.min(this.cells.length - 1, index));
    this.setFocusIndex(index);
    const anchor = this.cells[index].querySelector('a');
    anchor.focus({ preventScroll: true });
    if (scroll) this.cells[index].scrollIntoView({ block: 'nearest' });
  }

  focusedId() {
    return this.focusIndex >= 0 && this.hits[this.focusIndex] ? this.hits[this.focusIndex].id : null;
  }

  indexOf(id) {
    return this.hits.findIndex((hit) => hit.id === id);
  }

  // Arrow keys: left/right through the reading order, up/down to the nearest card of the next row.
  move(key) {
    if (!this.cells.length) return null;
    const current = this.focusIndex;
    if (current < 0 || document.activeElement !== this.cells[current]?.querySelector('a')) {
      if (current < 0) {
        this.focus(0);
        return this.focusedId();
      }
    }
    let next = current;
    if (key === 'ArrowLeft') next = current - 1;
    else if (key === 'ArrowRight') next = current + 1;
    else {
      const box = this.boxes[current];
      const target = this.rows[box.row + (key === 'ArrowDown' ? 1 : -1)];
      if (!target) {
        next = key === 'ArrowDown' ? this.cells.length - 1 : 0;
      } else {
        const center = box.x + box.w / 2;
        next = target.reduce((best, i) => {
          const b = this.boxes[i];
          return Math.abs(b.x + b.w / 2 - center) < Math.abs(this.boxes[best].x + this.boxes[best].w / 2 - center) ? i : best;
        }, target[0]);
      }
    }
    this.focus(next);
    if (next >= this.cells.length - 1 - 12) this.handlers.needMore();
    return this.focusedId();
  }

  markSelected(id) {
    for (const cell of this.cells) cell.classList.toggle('selected', Number(cell.dataset.id) === id);
  }

  refreshHrefs() {
    this.cells.forEach((cell, i) => { cell.querySelector('a').href = this.handlers.href(this.hits[i].id); });
  }
}
