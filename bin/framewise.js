#!/usr/bin/env node
// Temporary entry until the CLI lands on main: only `serve`. Replaced by the CLI's bin.
const [, , command, ...rest] = process.argv;
if (command !== 'serve') {
  console.error('usage: framewise serve [--data-dir DIR] [--port N]');
  process.exit(2);
}
const { runServe } = await import('../dist/core/cli/commands/serve.js');
runServe(rest).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  },
);
