#!/usr/bin/env node
// The `kefu` command: runs the server from dist/, building it first if it is not there yet.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) await import(new URL('../scripts/build.mjs', import.meta.url).href);
await import(entry.href);
