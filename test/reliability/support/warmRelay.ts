// The shipped relay entry point (plugin/lib/relay/main.js), started in two moves so a test can start its
// processes ahead of need: first load the relay's modules (most of a start's cost) and tell the parent
// "ready" over IPC; then take the parent's message as the environment and run main.js unchanged — it finds
// its modules loaded. Run by Node 22 itself (type stripping), not by jest.
const lib = (path: string) => new URL(`../../../plugin/lib/${path}`, import.meta.url).href;

// main.js's own imports.
await Promise.all(
  ['relay/index.js', 'relay/config.js', 'relay/logger.js', 'salesforce/client.js', 'stripe/client.js'].map(
    (path) => import(lib(path)),
  ),
);
const env = await new Promise<Record<string, string>>((resolve) => {
  process.once('message', (message) => resolve(message as Record<string, string>));
  process.send!('ready');
});
Object.assign(process.env, env);
process.channel?.unref();
await import(lib('relay/main.js'));
