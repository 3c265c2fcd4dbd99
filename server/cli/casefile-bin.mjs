#!/usr/bin/env node
// `npx casefile` in the checkout: runs the TypeScript command line through tsx.
import { register } from "tsx/esm/api";

register();
await import("./casefile.ts");
