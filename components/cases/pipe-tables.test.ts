import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import Markdown from "react-markdown";
import { describe, expect, it } from "vitest";
import { remarkPipeTables } from "./pipe-tables";

const render = (md: string) =>
  renderToStaticMarkup(createElement(Markdown, { remarkPlugins: [remarkPipeTables] }, md));

describe("pipe tables in notes", () => {
  it("render as a table, header and rows", () => {
    const html = render(
      "Hosts seen:\n\n| host | first seen |\n|---|---:|\n| WS-SUP-017 | 09:12 |\n| db-cust-01 | 09:40 |",
    );
    expect(html).toContain("<table>");
    expect(html).toContain("<th>host</th>");
    expect(html).toMatch(/<td[^>]*>WS-SUP-017<\/td>/);
    expect(html).toMatch(/<td[^>]*>09:40<\/td>/);
    expect(html).not.toContain("|");
  });

  it("stay sanitised: raw HTML in a cell is text", () => {
    const html = render("| a |\n|---|\n| <img src=x onerror=alert(1)> |");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img");
  });

  it("leave a paragraph with pipes but no delimiter row alone", () => {
    expect(render("a | b\nc | d")).toBe("<p>a | b\nc | d</p>");
  });
});
