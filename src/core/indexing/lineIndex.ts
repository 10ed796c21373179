/** Maps character offsets of a text to 1-based line numbers (binary search over line starts). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }

  /** 1-based line of the character at `offset`. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  }
}

/** A piece of a document: its text and the 1-based inclusive lines it spans. */
export interface TextSpan {
  readonly content: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Chunks of prose that start at a Markdown heading take no overlap from the previous section. */
  readonly startsSection?: boolean;
  /** Markdown: the path of headings the span sits under (e.g. `Errors › Rate limits`); '' or absent elsewhere. */
  readonly section?: string;
}
