// The filter sidebar. Every choice and count comes from the facets of the current query
// (`facets=1` on the first page, or GET /api/facets): nothing is hard-coded.
import { h } from './dom.js';
import { activeFilterCount } from './state.js';

const SHOWN = 8; // values of a facet shown before "show all"

// A facet as a list of checkboxes with counts.
class FacetList {
  constructor(key, facet, title, { format = (v) => v.label, hideWhenEmpty = false } = {}) {
    this.key = key;
    this.facet = facet;
    this.format = format;
    this.hideWhenEmpty = hideWhenEmpty;
    this.expanded = false;
    this.list = h('ul', { class: 'facet-values', 'aria-label': title });
    this.more = h('button', { type: 'button', class: 'link small', hidden: true, onclick: () => { this.expanded = !this.expanded; this.draw(); } });
    this.badge = h('span', { class: 'active-count' });
    this.root = h('details', { class: 'filter-group', dataset: { facet: key }, open: true },
      h('summary', {}, title, this.badge), this.list, this.more);
    this.values = [];
    this.selected = [];
  }

  update(values, selected, onChange, anyResults) {
    this.onChange = onChange;
    this.anyResults = anyResults;
    this.selected = selected;
    const known = new Set(values.map((v) => v.value));
    // A chosen value the facet no longer lists (count 0) stays visible, so it can be unticked.
    this.values = [...values, ...selected.filter((v) => !known.has(v)).map((value) => ({ value, label: value, count: 0 }))];
    this.draw();
  }

  draw() {
    const chosen = new Set(this.selected);
    const values = this.values;
    const limit = this.expanded ? values.length : Math.max(SHOWN, values.filter((v) => chosen.has(v.value)).length);
    const shown = values.filter((v, i) => i < limit || chosen.has(v.value)).slice(0, Math.max(limit, chosen.size));
    this.list.replaceChildren(...shown.map((v) => {
      const label = this.format(v);
      return h('li', { class: v.count === 0 ? 'zero' : '' }, h('label', { title: v.label !== v.value ? `${v.value}: ${v.label}` : v.value },
        h('input', {
          type: 'checkbox', value: v.value, checked: chosen.has(v.value),
          onchange: (event) => {
            const next = event.target.checked ? [...this.selected, v.value] : this.selected.filter((x) => x !== v.value);
            this.onChange(next);
          },
        }),
        h('span', { class: 'value-name' }, label),
        h('span', { class: 'value-count' }, v.count.toLocaleString('en-US'))));
    }));
    if (!values.length) this.list.replaceChildren(h('li', { class: 'muted small' }, 'none in these results'));
    this.more.hidden = values.length <= SHOWN;
    this.more.textContent = this.expanded ? 'Show fewer' : `Show all ${values.length}`;
    this.badge.textContent = this.selected.length ? String(this.selected.length) : '';
    // A facet the results do not have at all (no figure-type head, papers without metadata) is
    // left out; with no results at all every group stays, to show what was chosen.
    this.root.hidden = !values.length && (this.hideWhenEmpty || this.anyResults);
  }
}

// A text input that commits on Enter or when it loses focus.
function textInput(key, label, placeholder, onCommit, attrs = {}) {
  const input = h('input', { type: 'text', name: key, placeholder, 'aria-label': label, autocomplete: 'off', spellcheck: 'false', ...attrs });
  const commit = () => onCommit(key, input.value.trim());
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    }
  });
  return input;
}

export class Filters {
  // handlers: change(patch), clear()
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    const commit = (key, value) => {
      if ((this.state.filters[key] || '') !== value) handlers.change({ [key]: value });
    };

    this.lists = {
      archive: new FacetList('archive', 'archive', 'Archive', { format: (v) => (v.label && v.label !== v.value ? h('span', {}, v.label, h('code', { class: 'after' }, v.value)) : v.value) }),
      category: new FacetList('category', 'category', 'Category', { format: (v) => h('span', {}, h('code', { class: 'before' }, v.value), v.label && v.label !== v.value ? h('span', { class: 'muted' }, ` ${v.label}`) : '') }),
      type: new FacetList('type', 'figure_type', 'Figure type', { hideWhenEmpty: true }),
      format: new FacetList('format', 'format', 'Format'),
      cluster: new FacetList('cluster', 'cluster', 'Cluster', { hideWhenEmpty: true, format: (v) => (v.label === v.value ? `cluster ${v.value}` : v.label) }),
      license: new FacetList('license', 'license', 'Licence'),
    };

    this.anyCategory = h('input', { type: 'checkbox', onchange: (event) => handlers.change({ cats: event.target.checked ? 'any' : '' }) });
    this.lists.category.root.append(h('label', { class: 'small option', title: 'Match any of the paper’s categories, not only its primary one' }, this.anyCategory, ' any listed category, not only primary'));

    this.from = textInput('from', 'Year from', 'from', commit, { inputmode: 'numeric', list: 'year-values', size: '6' });
    this.to = textInput('to', 'Year to', 'to', commit, { inputmode: 'numeric', list: 'year-values', size: '6' });
    this.years = h('datalist', { id: 'year-values' });
    this.histogram = h('div', { class: 'histogram', role: 'group', 'aria-label': 'Images per year' });
    this.axis = h('div', { class: 'histogram-axis', 'aria-hidden': 'true' });
    this.badges = { year: h('span', { class: 'active-count' }), creator: h('span', { class: 'active-count' }), use: h('span', { class: 'active-count' }), text: h('span', { class: 'active-count' }) };
    this.yearGroup = h('details', { class: 'filter-group', dataset: { facet: 'year' }, open: true },
      h('summary', {}, 'Year', this.badges.year),
      h('div', { class: 'range' }, this.from, h('span', { 'aria-hidden': 'true' }, '–'), this.to, this.years),
      this.histogram, this.axis);

    this.creator = textInput('creator', 'Creator software contains', 'e.g. matplotlib', commit, { list: 'creator-values' });
    this.creators = h('datalist', { id: 'creator-values' });
    this.creatorGroup = h('details', { class: 'filter-group', dataset: { facet: 'creator' }, open: true },
      h('summary', {}, 'Creator', this.badges.creator), this.creator, this.creators, h('div', { class: 'suggestions' }));

    const tristate = (key, label) => {
      const select = h('select', { name: key, 'aria-label': label, onchange: (event) => handlers.change({ [key]: event.target.value }) },
        h('option', { value: '' }, 'any'), h('option', { value: 'yes' }, 'yes'), h('option', { value: 'no' }, 'no'));
      return [select, h('label', { class: 'row' }, h('span', {}, label), select)];
    };
    const [hasCaption, hasCaptionRow] = tristate('has_caption', 'Has a caption');
    const [inFigure, inFigureRow] = tristate('in_figure', 'In a figure');
    this.hasCaption = hasCaption;
    this.inFigure = inFigure;

    this.texts = {};
    const textRows = [['paper', 'Paper ids', '1305.5590, hep-ph/0107222'], ['author', 'Author', 'e.g. Hinton'], ['title', 'Title', 'words in the title'],
      ['caption', 'Caption', 'words in the caption'], ['abstract', 'Abstract', 'words in the abstract']]
      .map(([key, label, placeholder]) => {
        this.texts[key] = textInput(key, label, placeholder, commit);
        return h('label', { class: 'stack' }, h('span', {}, label), this.texts[key]);
      });

    this.count = h('span', { class: 'active-count' });
    this.clearButton = h('button', { type: 'button', class: 'small', id: 'clear-filters', onclick: () => handlers.clear() }, 'Clear filters');
    root.replaceChildren(
      h('div', { class: 'filters-head' }, h('h2', {}, 'Filters', this.count), this.clearButton),
      this.lists.archive.root, this.lists.category.root, this.yearGroup, this.lists.type.root, this.lists.format.root,
      this.lists.cluster.root, this.lists.license.root, this.creatorGroup,
      h('details', { class: 'filter-group', dataset: { facet: 'use' }, open: true }, h('summary', {}, 'Figure use', this.badges.use), hasCaptionRow, inFigureRow),
      h('details', { class: 'filter-group', dataset: { facet: 'text' }, open: true }, h('summary', {}, 'Paper and text', this.badges.text), textRows),
    );
  }

  // Syncs the controls with the state; facets (when given) refresh choices and counts.
  update(state, facets, total) {
    this.state = state;
    const f = state.filters;
    if (facets) {
      this.facets = facets;
      this.total = total;
    }
    const facetsNow = this.facets || {};
    for (const [key, list] of Object.entries(this.lists)) {
      list.update(facetsNow[list.facet] || [], f[key], (values) => this.handlers.change({ [key]: values }), this.total > 0);
    }
    this.anyCategory.checked = f.cats === 'any';
    const sync = (input, value) => { if (document.activeElement !== input) input.value = value; };
    sync(this.from, f.from);
    sync(this.to, f.to);
    sync(this.creator, f.creator);
    for (const [key, input] of Object.entries(this.texts)) sync(input, f[key]);
    this.hasCaption.value = f.has_caption;
    this.inFigure.value = f.in_figure;

    const years = facetsNow.year || [];
    this.years.replaceChildren(...years.map((y) => h('option', { value: y.value }, `${y.count}`)));
    this.drawHistogram(years, f.from, f.to);

    const creators = facetsNow.creator || [];
    this.creators.replaceChildren(...creators.map((c) => h('option', { value: c.value }, `${c.count} images`)));
    const suggestions = this.creatorGroup.querySelector('.suggestions');
    suggestions.replaceChildren(...creators.slice(0, 6).map((c) => h('button', {
      type: 'button', class: `chip small${f.creator === c.value ? ' on' : ''}`, title: `${c.count} images`,
      onclick: () => this.handlers.change({ creator: f.creator === c.value ? '' : c.value }),
    }, h('span', { class: 'chip-label' }, c.label || c.value), h('span', { class: 'value-count' }, String(c.count)))));

    const set = (keys) => keys.filter((key) => f[key].trim()).length || '';
    this.badges.year.textContent = set(['from', 'to']);
    this.badges.creator.textContent = set(['creator']);
    this.badges.use.textContent = set(['has_caption', 'in_figure']);
    this.badges.text.textContent = set(['paper', 'author', 'title', 'caption', 'abstract']);

    const active = activeFilterCount(f);
    this.count.textContent = active ? String(active) : '';
    this.clearButton.disabled = active === 0 && f.cats !== 'any';
  }

  drawHistogram(years, from, to) {
    this.axis.replaceChildren(...(years.length ? [h('span', {}, years[0].value), h('span', {}, years[years.length - 1].value)] : []));
    if (!years.length) {
      this.histogram.replaceChildren();
      return;
    }
    // Every year of the span gets a slot, so gaps show as gaps (facets list years that have images).
    const first = Number(years[0].value);
    const last = Number(years[years.length - 1].value);
    if (Number.isInteger(first) && Number.isInteger(last) && last - first < 80) {
      const byYear = new Map(years.map((y) => [y.value, y]));
      years = Array.from({ length: last - first + 1 }, (_, i) => byYear.get(String(first + i)) || { value: String(first + i), label: String(first + i), count: 0 });
    }
    const max = Math.max(...years.map((y) => y.count));
    const lo = from ? from.slice(0, 4) : '';
    const hi = to ? to.slice(0, 4) : '';
    this.histogram.replaceChildren(...years.map((y) => {
      const inRange = (!lo || y.value >= lo) && (!hi || y.value <= hi);
      return h('button', {
        type: 'button', class: `bar${inRange && (lo || hi) ? ' in' : ''}`,
        title: `${y.value}: ${y.count.toLocaleString('en-US')} images (click: only ${y.value}; shift-click: extend the range)`,
        'aria-label': `${y.value}, ${y.count} images`,
        onclick: (event) => {
          if (event.shiftKey && (lo || hi)) {
            const a = [lo || y.value, hi || y.value, y.value].sort();
            this.handlers.change({ from: a[0], to: a[2] });
          } else if (lo === y.value && hi === y.value) {
            this.handlers.change({ from: '', to: '' });
          } else {
            this.handlers.change({ from: y.value, to: y.value });
          }
        },
      }, h('span', { style: { height: y.count ? `${Math.max(6, Math.round((y.count / max) * 100))}%` : '1px' } }));
    }));
  }
}
