import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers the folders promise (docs/architecture.md, "Layers"): `lib/`
 * and `config/` stand on nothing of the application; `common/` and `auth/`
 * know nothing of the portal; a controller never reaches into another
 * feature's controller.
 */
const root = resolve(import.meta.dirname, '..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => join(folder, file));
}

/** The repository-relative files a source imports by a relative path. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
    relative(root, resolve(root, dirname(file), match[1])),
  );
}

const offending = (folders: string[], forbidden: (target: string, file: string) => boolean): string[] =>
  folders.flatMap(sources).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden(target, file))
      .map((target) => `${file} → ${target}`),
  );

describe('folder layers', () => {
  it('lib/ and config/ import nothing from src/', () => {
    expect(offending(['lib', 'config'], (target) => target.startsWith('src/'))).toEqual([]);
  });

  it('common/ and auth/ import nothing from the portal', () => {
    expect(offending(['src/common', 'src/auth'], (target) => target.startsWith('src/portal/'))).toEqual([]);
  });

  it('a controller imports no other feature’s controller', () => {
    const controllers = sources('src').filter((file) => /\.controller\.tsx?$/.test(file));
    const isController = (target: string) => /\.controller(\.js)?$/.test(target);
    expect(
      controllers.flatMap((file) =>
        importsOf(file)
          .filter((target) => isController(target) && dirname(target) !== dirname(file))
          .map((target) => `${file} → ${target}`),
      ),
    ).toEqual([]);
  });
  it('only the conversation core writes messages, content violations and quarantine', () => {
    const writes =
      /\b(INSERT INTO|UPDATE)\s+(messages|claim_messages|content_violations)\b|insert\(\s*'(messages|claim_messages|content_violations)'|\.(insert|update|save|delete)\(\s*(Message|ClaimMessage)\b/;
    const writers = sources('src')
      .filter((file) => !file.startsWith('src/conversations/') && !file.endsWith('.spec.ts'))
      .filter((file) => writes.test(readFileSync(join(root, file), 'utf8')));
    expect(writers).toEqual([]);
  });
});
