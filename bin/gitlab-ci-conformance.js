#!/usr/bin/env node
// Entry point of the npm bin: runs the compiled CLI (built by `npm run build`, run on `npm ci`).
require('../dist/cli/main.js');
