import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, installed by scripts/ci-services.sh. */
export const chromiumPath = '/usr/bin/chromium';

/** Where the browser tests keep their screenshots (gitignored). */
export const artifactsDir = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** Starts headless Chromium the way the studio's tests drive it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The studio's browser tests drive Debian's Chromium at ${chromiumPath}, which is not installed: run "bash scripts/ci-services.sh" (or apt-get install -y chromium).`,
    );
  }
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Every address a page asked for — documents, scripts, styles, fonts, images, fetches,
 * event streams and WebSockets — and the errors it reported, as the test sees them.
 */
export function watchPage(page: Page) {
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { requests, errors };
}
