import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/common/log.js';
import { counted, Progress } from '../../src/engine/progress.js';

describe('progress lines', () => {
  it('name what is read, with counts grouped and plurals that agree', () => {
    expect(counted(1, 'variant')).toBe('1 variant');
    expect(counted(0, 'page')).toBe('0 pages');
    expect(counted(19_612, 'variant')).toBe('19,612 variants');
    expect(counted(2, 'purchase order')).toBe('2 purchase orders');
  });

  it('done: per-stream records, then what was read in how many pages', () => {
    const lines: string[] = [];
    const log = new Logger({ sink: (l) => lines.push(l) });
    const variants = new Progress(log, ['variants', 'variant_warehouses'], 'variant');
    variants.batch(1000, [1000, 3000]);
    variants.batch(612, [1612, 4836]);
    variants.done([1612, 4836]);
    expect(lines.at(-1)).toMatch(
      /done: variants=1612 variant_warehouses=4836 \(1,612 variants in 2 pages, \d+\.\ds, [\d,]+ records\/s\)$/,
    );
    const one = new Progress(log, ['warehouses'], 'warehouse');
    one.batch(1, [1]);
    one.done([1]);
    expect(lines.at(-1)).toMatch(/done: warehouses=1 \(1 warehouse in 1 page, /);
  });
});
