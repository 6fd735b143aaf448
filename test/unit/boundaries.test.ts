import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';

const root = path.resolve(__dirname, '../../..');

/** Lints one line of source as if it stood in `file`, with the house's import-boundary rules only. */
async function importErrors(file: string, source: string): Promise<string[]> {
  const config = (await import(pathToFileURL(path.join(root, 'eslint.config.mjs')).href)) as { boundaries: Linter.Config[] };
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config.boundaries });
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries (eslint.config.mjs LAYERS)', () => {
  it('when core/ imports a feature, then the linter refuses it', async () => {
    const errors = await importErrors('server/core/example.ts', "import { createQueueService } from '../queue/queue.service';\n");
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^no-restricted-imports: .*core\/ may import only nothing of ours/);
  });

  it('when appointments/ imports the queue, then it is refused; the queue importing appointments is allowed', async () => {
    expect(
      await importErrors('server/appointments/example.ts', "import { createQueueService } from '../queue/queue.service';\n"),
    ).to.have.length(1);
    expect(
      await importErrors('server/queue/example.ts', "import { createBookingService } from '../appointments/booking.service';\n"),
    ).to.deep.equal([]);
  });

  it('when a feature imports the composition root, then it is refused', async () => {
    expect(await importErrors('server/doctors/example.ts', "import { createServices } from '../services';\n")).to.have.length(1);
  });
});
