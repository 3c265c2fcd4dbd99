import { register } from "node:module";

/**
 * Lets this Node process load server code marked `server-only` directly (not through the
 * Next.js bundle) as a server does: the marker resolves to its empty "react-server" export.
 * Call before importing such code (a dynamic import, since static ones load first).
 */
export function loadServerOnlyAsServer(): void {
  register(
    `data:text/javascript,${encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier !== "server-only") return next(specifier, context);
        return next(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
      }`,
    )}`,
  );
}
