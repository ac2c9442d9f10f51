// The docs stand alone: every relative link in README.md, RELIABILITY.md and docs/*.md points at a file
// or folder inside this repository (and an #anchor at a heading of the file it names), and none of them
// mentions notes outside the repository that users never get.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

const docs = [
  'README.md',
  'RELIABILITY.md',
  ...readdirSync(join(PACKAGE_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown links and images outside code blocks and code spans: [text](target) -> target. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = markdown.replace(/```[\s\S]*?```/g, '').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

function problems(file: string): string[] {
  const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
  const out: string[] = [];
  if (/\.\.\/shared\b|shared\/docs/.test(text)) out.push(`${file} mentions notes outside the repository (shared/docs)`);
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved =
      path === '' ? join(PACKAGE_ROOT, file) : resolve(dirname(join(PACKAGE_ROOT, file)), decodeURI(path));
    const inside = relative(PACKAGE_ROOT, resolved);
    if (inside.startsWith('..')) out.push(`${file}: ${target} points outside the repository`);
    else if (!existsSync(resolved)) out.push(`${file}: ${target} does not exist`);
    else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      out.push(`${file}: ${target} names no heading of ${inside}`);
    }
  }
  return out;
}

describe('links in the docs', () => {
  it('find README, RELIABILITY and the docs folder', () => {
    expect(docs).toContain('docs/inventory-planner-api.md');
    expect(docs).toContain('docs/production.md');
    expect(linkTargets(readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(10);
  });

  it('all resolve inside the repository', () => {
    expect(docs.flatMap(problems)).toEqual([]);
  });

  it('would catch a broken or escaping link', () => {
    expect(linkTargets('see [a](docs/nope.md) and [b](../shared/docs/x.md), not `[c](ignored.md)`')).toEqual([
      'docs/nope.md',
      '../shared/docs/x.md',
    ]);
    expect(anchors('## Install and run\n## Logs, metrics and progress')).toEqual(
      new Set(['install-and-run', 'logs-metrics-and-progress']),
    );
  });
});
