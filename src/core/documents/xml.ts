/** Event-driven reading of XML and XHTML with htmlparser2: tolerant of what real documents contain, and never builds a tree. */
/** The part of htmlparser2 used here. */
interface Htmlparser2 {
  readonly Parser: new (
    handlers: { onopentag(name: string, attrs: Record<string, string>): void; onclosetag(name: string): void; ontext(text: string): void },
    options: { xmlMode: boolean; decodeEntities: boolean; recognizeSelfClosing: boolean },
  ) => { write(chunk: string): void; end(): void };
}

/** htmlparser2 is published as an ES module only: loaded once, on first use. */
let parserModule: Promise<Htmlparser2> | undefined;

export interface XmlHandlers {
  open?(name: string, attrs: Readonly<Record<string, string>>): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Streams `xml` through the handlers. Names keep their prefix (`w:t`) and are lower-cased only in HTML mode. */
export async function readXml(xml: string, handlers: XmlHandlers, html = false): Promise<void> {
  parserModule ??= import('htmlparser2').then((m): Htmlparser2 => m);
  const { Parser } = await parserModule;
  const parser = new Parser(
    {
      onopentag: (name, attrs) => handlers.open?.(name, attrs),
      onclosetag: (name) => handlers.close?.(name),
      ontext: (text) => handlers.text?.(text),
    },
    { xmlMode: !html, decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(xml);
  parser.end();
}

/** Relationship id → target, from a `.rels` part. */
export async function relationships(xml: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (xml) {
    await readXml(xml, {
      open: (name, a) => {
        if (name === 'Relationship' && a.Id && a.Target) {
          out.set(a.Id, a.Target);
        }
      },
    });
  }
  return out;
}

/** Collapses runs of spaces and blank lines a document's markup leaves behind. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
