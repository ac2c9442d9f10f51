// The order a collection listing is asked for (`<id>_sort=asc`), checked page by page. The API's own
// comparison of ids is not documented: ids such as `c955_330498075` sort differently as text and as
// numbers-within-text. Both orders are candidates until a page contradicts one; a page that contradicts
// both shows the server does not sort by id at all.
type Compare = (a: string, b: string) => number;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
const CANDIDATES: Compare[] = [(a, b) => (a < b ? -1 : a > b ? 1 : 0), (a, b) => collator.compare(a, b)];

export class IdOrder {
  private candidates = [...CANDIDATES];

  /** Narrows the candidates to those that see `ids` strictly ascending; false when none does. */
  accept(ids: string[]): boolean {
    this.candidates = this.candidates.filter((c) => ids.every((id, i) => i === 0 || c(ids[i - 1]!, id) < 0));
    return this.candidates.length > 0;
  }

  /** `a` comes after `b` in every order still possible (so in the server's). */
  after(a: string, b: string): boolean {
    return this.candidates.length > 0 && this.candidates.every((c) => c(a, b) > 0);
  }

  /** `a` comes at or before `b` in every order still possible. */
  notAfter(a: string, b: string): boolean {
    return this.candidates.length > 0 && this.candidates.every((c) => c(a, b) <= 0);
  }
}
