// Single place that decides which Chromium the browser tests use.
// Shared by scripts/ensure-chromium.mjs, vitest.config.ts and (later) the e2e tests.
import { accessSync, constants } from 'node:fs'
import { createRequire } from 'node:module'

export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/** Launch flags for a root, offline, headless machine: no sandbox, no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * CHROMIUM_PATH if set (throws if it is not an executable), else Debian's /usr/bin/chromium,
 * else a browser Playwright has already downloaded, else null.
 * @returns {string | null}
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist or is not executable`)
    }
    return fromEnv
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
  // Loaded lazily: only needed when neither of the above is present.
  const { chromium } = createRequire(import.meta.url)('playwright-core')
  const bundled = chromium.executablePath()
  return bundled && isExecutable(bundled) ? bundled : null
}
