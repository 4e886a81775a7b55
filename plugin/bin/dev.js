#!/usr/bin/env node
// Development entry: like run.js, with oclif's development settings (full stack traces, debug logging).
// Run `npm run build` first: linked ESM plugins are not transpiled on the fly.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
