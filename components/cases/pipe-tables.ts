import type { Paragraph, Parent, Root, RootContent, Table, TableCell, TableRow } from "mdast";

/**
 * Pipe tables in notes, as GitHub writes them: a header row, a delimiter row (`|---|:--:|`),
 * then body rows. Plain CommonMark reads such a block as one paragraph; this remark plugin
 * turns that paragraph into a table node, which react-markdown renders (and sanitises) like
 * any other. Cells hold text only. Paragraphs that are not exactly a table are left as they are.
 */
const DELIMITER = /^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?$/;

function cells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return trimmed.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function align(spec: string): "left" | "right" | "center" | null {
  const s = spec.trim();
  if (s.startsWith(":") && s.endsWith(":")) return "center";
  if (s.endsWith(":")) return "right";
  if (s.startsWith(":")) return "left";
  return null;
}

function toTable(p: Paragraph): Table | null {
  if (!p.children.every((c) => c.type === "text")) return null;
  const lines = p.children
    .map((c) => (c.type === "text" ? c.value : ""))
    .join("")
    .split("\n");
  const [head, delimiter, ...body] = lines;
  if (!head || !delimiter || !head.includes("|") || !DELIMITER.test(delimiter.trim())) return null;
  const columns = cells(head).length;
  const aligns = cells(delimiter).map(align);
  if (aligns.length !== columns) return null;
  const row = (line: string): TableRow => {
    const values = cells(line);
    return {
      type: "tableRow",
      children: Array.from({ length: columns }, (_, i): TableCell => ({
        type: "tableCell",
        children: [{ type: "text", value: values[i] ?? "" }],
      })),
    };
  };
  return { type: "table", align: aligns, children: [row(head), ...body.filter((l) => l.trim()).map(row)] };
}

function walk(node: Parent) {
  node.children = node.children.map((child): RootContent => {
    if (child.type === "paragraph") return toTable(child) ?? child;
    if ("children" in child) walk(child);
    return child;
  });
}

export function remarkPipeTables() {
  return (tree: Root) => walk(tree);
}
