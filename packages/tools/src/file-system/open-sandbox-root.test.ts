import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileSystemTools } from './file-system-tools';
import { createTestSandbox, type TestSandbox } from './test-sandbox';

// A system where descriptors cannot be looked up by path, as on one without /proc.
vi.mock('./descriptor-path', () => ({
  descriptorPath: (fd: number) => `/nonexistent-proc/self/fd/${fd}`,
}));

describe('openSandboxRoot', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  // Each call is made only when the test awaits it: a call started earlier could reject
  // while an earlier one is awaited, with nothing yet handling it (an unhandled rejection).
  const callEach = () => {
    const [read, list, write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
    return [
      () => read.execute({ path: 'notes.txt' }, sandbox.context),
      () => list.execute({ path: '.' }, sandbox.context),
      () => write!.execute({ path: 'new.txt', content: 'x' }, sandbox.context),
    ];
  };

  it('refuses every call where /proc/self/fd cannot be read, saying what to do', async () => {
    for (const call of callEach()) {
      await expect(call()).rejects.toMatchObject({
        reason: 'unsupported_platform',
        message: `The file-system tools refused the call: they check what they open through /proc/self/fd, which this system (${process.platform}) does not provide, so containment in the sandbox root could not be guaranteed. Run the agent on Linux with /proc mounted (a container or WSL 2 works).`,
      });
    }
  });

  it('refuses every call on a system other than Linux, before touching the file system', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { ...platform, value: 'darwin' });
    try {
      for (const call of callEach()) {
        await expect(call()).rejects.toMatchObject({
          reason: 'unsupported_platform',
          message: expect.stringContaining('this system (darwin) does not provide'),
        });
      }
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });
});
