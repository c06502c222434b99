// Justified rows: images keep their aspect ratio, every full row is exactly `width` wide, and
// rows are about `rowHeight` high. Sizes come from the hit's thumbnail `width`/`height`, known
// before any image loads, so nothing moves when the pixels arrive.

const MIN_ASPECT = 0.2; // a 1:5 strip still gets a usable card; extreme strips are letterboxed
const MAX_ASPECT = 5;

export function aspectOf(width, height) {
  const aspect = width > 0 && height > 0 ? width / height : 1;
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, aspect));
}

// items: [{aspect}], returns {boxes: [{x, y, w, h, row}], rows: [[index…]], height}.
// When `complete` is false the last, partial row is laid out at rowHeight (more items follow).
export function justify(items, { width, rowHeight, gap }) {
  const boxes = new Array(items.length);
  const rows = [];
  let y = 0;
  let start = 0;
  let aspectSum = 0;
  const place = (end, height, full) => {
    let x = 0;
    const row = [];
    for (let i = start; i < end; i++) {
      // Widths rounded so that the row's right edge lands exactly on `width`.
      const w = i === end - 1 && full ? width - x : Math.round(items[i].aspect * height);
      boxes[i] = { x, y, w: Math.max(1, w), h: Math.round(height), row: rows.length };
      row.push(i);
      x += w + gap;
    }
    rows.push(row);
    y += Math.round(height) + gap;
    start = end;
    aspectSum = 0;
  };
  for (let i = 0; i < items.length; i++) {
    const count = i - start + 1;
    const naturalWidth = (aspectSum + items[i].aspect) * rowHeight + gap * (count - 1);
    if (naturalWidth >= width) {
      // The row is full with this image. Keep it if the row's height (shrunk to fit exactly) is
      // nearer the target than the height of the row without it (stretched to fit).
      const withIt = (width - gap * (count - 1)) / (aspectSum + items[i].aspect);
      const without = count > 1 ? (width - gap * (count - 2)) / aspectSum : Infinity;
      if (without / rowHeight < rowHeight / withIt && without <= rowHeight * 1.25) {
        place(i, without, true);
        aspectSum = items[i].aspect;
      } else {
        aspectSum += items[i].aspect;
        place(i + 1, withIt, true);
      }
    } else {
      aspectSum += items[i].aspect;
    }
  }
  if (start < items.length) {
    const gaps = gap * (items.length - start - 1);
    if (aspectSum * rowHeight + gaps >= width) place(items.length, (width - gaps) / aspectSum, true);
    else place(items.length, rowHeight, false);
  }
  return { boxes, rows, height: Math.max(0, y - gap) };
}
