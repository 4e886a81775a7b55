#!/usr/bin/env node
// Runs the plugin's commands without the sf CLI: `./bin/run.js stripe cpq status --target-org cpq`.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
