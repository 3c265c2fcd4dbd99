import { inflateSync } from "node:zlib";

/**
 * The text runs of a PDF as a reader sees them, one per line: each content stream is
 * inflated and the strings of its `TJ`/`Tj` operators are read, words of one line joined. Enough for the
 * documents our renderer writes (standard fonts, single-byte text); not a general parser.
 */
export function pdfText(pdf: Buffer): string[] {
  const raw = pdf.toString("latin1");
  const lines: string[] = [];
  for (const stream of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream[1] ?? "", "latin1")).toString("latin1");
    } catch {
      continue; // an image or font program, not page content
    }
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex =
        op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join("") : op[2];
      const text = Buffer.from(hex ?? "", "hex").toString("latin1");
      // The renderer writes a line word by word; a run ending in a space goes on with the next.
      const last = lines.length - 1;
      if (last >= 0 && lines[last]?.endsWith(" ")) lines[last] += text;
      else lines.push(text);
    }
  }
  return lines.map((l) => l.trimEnd());
}
