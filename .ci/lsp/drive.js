#!/usr/bin/env node
// Drives the real yaml-language-server over LSP (stdio), as an editor
// would: opens the given YAML files, waits for the diagnostics the server
// publishes, asks for hovers, and prints one JSON object on stdout:
//
//   {"diagnostics": {"<file>": [{"line", "character", "endLine",
//     "endCharacter", "severity", "message"}]},
//    "hovers": [{"file", "line", "character", "contents"}]}
//
// Lines and characters are 0-based, as in LSP. The schema store and every
// other download are off: schemas come from modelines and --schema.
//
// Usage: node drive.js [--root DIR] [--schema SCHEMA=GLOB]...
//                      [--hover FILE:LINE:CHARACTER]... FILE...
// SCHEMA is a path (relative to --root, the workspace folder; default the
// working directory) or a URL; GLOB is one of yaml.schemas' file patterns.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const TIMEOUT_MS = 60000; // the whole run
const QUIET_MS = 600; // no new diagnostics for this long: they are final

function usage(msg) {
  process.stderr.write(`drive.js: ${msg}\nusage: node drive.js [--root DIR] [--schema SCHEMA=GLOB]... [--hover FILE:LINE:CHARACTER]... FILE...\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { root: process.cwd(), schemas: {}, hovers: [], files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--root') {
      opts.root = path.resolve(value());
    } else if (a === '--schema') {
      const v = value();
      const eq = v.lastIndexOf('=');
      if (eq <= 0) usage(`--schema ${v}: want SCHEMA=GLOB`);
      const schema = v.slice(0, eq);
      (opts.schemas[schema] = opts.schemas[schema] || []).push(v.slice(eq + 1));
    } else if (a === '--hover') {
      const m = /^(.*):(\d+):(\d+)$/.exec(value());
      if (!m) usage(`--hover wants FILE:LINE:CHARACTER`);
      opts.hovers.push({ file: m[1], line: Number(m[2]), character: Number(m[3]) });
    } else if (a.startsWith('--')) {
      usage(`unknown flag ${a}`);
    } else {
      opts.files.push(a);
    }
  }
  for (const h of opts.hovers) {
    if (!opts.files.includes(h.file)) opts.files.push(h.file);
  }
  if (opts.files.length === 0) usage('no file to open');
  return opts;
}

// connect starts the server and returns the LSP plumbing: request,
// notify, and handlers for what the server sends.
function connect(onNotification, onRequest) {
  const bin = path.join(__dirname, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
  const server = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => process.stderr.write(d));
  let nextId = 1;
  const pending = new Map();
  const send = (msg) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    server.stdin.write(body);
  };
  let buf = Buffer.alloc(0);
  server.stdout.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString('ascii'));
      if (!m) throw new Error('a message without Content-Length');
      const len = Number(m[1]);
      if (buf.length < end + 4 + len) return;
      const msg = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString('utf8'));
      buf = buf.subarray(end + 4 + len);
      if (msg.id !== undefined && msg.method === undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (p) msg.error ? p.reject(new Error(`${p.method}: ${msg.error.message}`)) : p.resolve(msg.result);
      } else if (msg.id !== undefined) {
        Promise.resolve(onRequest(msg.method, msg.params)).then(
          (result) => send({ id: msg.id, result: result === undefined ? null : result }),
          (err) => send({ id: msg.id, error: { code: -32603, message: String(err) } }),
        );
      } else {
        onNotification(msg.method, msg.params);
      }
    }
  });
  return {
    server,
    request: (method, params) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, method });
        send({ id, method, params });
      }),
    notify: (method, params) => send({ method, params }),
  };
}

function hoverText(contents) {
  if (!contents) return '';
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map(hoverText).join('\n');
  return contents.value || '';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const uriOf = new Map(opts.files.map((f) => [f, pathToFileURL(path.resolve(f)).href]));
  const fileOf = new Map([...uriOf].map(([f, u]) => [u, f]));
  const yamlSettings = {
    validate: true,
    hover: true,
    completion: true,
    schemas: opts.schemas,
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
  };
  const diagnostics = new Map();
  let lastPublish = 0;
  let configured;
  const pulled = new Promise((resolve) => (configured = resolve));
  const lsp = connect(
    (method, params) => {
      if (method === 'textDocument/publishDiagnostics' && fileOf.has(params.uri)) {
        diagnostics.set(params.uri, params.diagnostics);
        lastPublish = Date.now();
      }
    },
    (method, params) => {
      if (method === 'workspace/configuration') {
        setTimeout(configured, 0);
        return params.items.map((it) => (it.section === 'yaml' ? yamlSettings : it.section === 'http' ? { proxy: '', proxyStrictSSL: true } : {}));
      }
      return null; // client/registerCapability and the like
    },
  );
  let shuttingDown = false;
  lsp.server.on('exit', (code, signal) => {
    if (!shuttingDown) {
      process.stderr.write(`drive.js: yaml-language-server exited early (${signal || code})\n`);
      process.exit(1);
    }
  });
  const timer = setTimeout(() => {
    process.stderr.write(`drive.js: no final diagnostics after ${TIMEOUT_MS} ms\n`);
    lsp.server.kill();
    process.exit(1);
  }, TIMEOUT_MS);

  const rootUri = pathToFileURL(opts.root).href;
  await lsp.request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(opts.root) }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true },
      textDocument: {
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { relatedInformation: false },
      },
    },
    initializationOptions: {},
  });
  lsp.notify('initialized', {});
  await pulled; // the server pulls yaml.* once initialized
  await new Promise((r) => setTimeout(r, 50));

  for (const [file, uri] of uriOf) {
    lsp.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: fs.readFileSync(file, 'utf8') },
    });
  }
  while (diagnostics.size < uriOf.size || Date.now() - lastPublish < QUIET_MS) {
    await new Promise((r) => setTimeout(r, 50));
  }

  const hovers = [];
  for (const h of opts.hovers) {
    const res = await lsp.request('textDocument/hover', {
      textDocument: { uri: uriOf.get(h.file) },
      position: { line: h.line, character: h.character },
    });
    hovers.push({ ...h, contents: hoverText(res && res.contents) });
  }

  const out = { diagnostics: {}, hovers };
  for (const [file, uri] of uriOf) {
    out.diagnostics[file] = diagnostics.get(uri).map((d) => ({
      line: d.range.start.line,
      character: d.range.start.character,
      endLine: d.range.end.line,
      endCharacter: d.range.end.character,
      severity: d.severity,
      message: d.message,
    }));
  }
  shuttingDown = true;
  await lsp.request('shutdown', null);
  lsp.notify('exit', null);
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`drive.js: ${err.stack || err}\n`);
  process.exit(1);
});
