// Fails loudly unless a Chromium for the browser tests exists; as root on Debian/Ubuntu it
// installs the distro package (Playwright's own download is not possible offline).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { DEBIAN_CHROMIUM, findChromium } from './chromium-path.mjs'

/** @param {string} message */
function fail(message) {
  console.error(`ensure-chromium: ${message}`)
  process.exit(1)
}

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const { status } = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (status !== 0) fail(`\`${cmd} ${args.join(' ')}\` exited with status ${status}`)
}

/** @type {string | null} */
let found = null
try {
  found = findChromium()
} catch (err) {
  fail(err instanceof Error ? err.message : String(err))
}

if (found) {
  console.log(`ensure-chromium: using ${found}`)
} else {
  const hasAptGet = (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, 'apt-get')))
  if (process.getuid?.() !== 0 || !hasAptGet) {
    fail(
      'no Chromium found for the browser tests. Install one (Debian/Ubuntu: ' +
        '`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium/Chrome executable.',
    )
  }
  console.log(
    "ensure-chromium: no Chromium found; installing Debian's chromium package (apt-get install -y chromium)...",
  )
  run('apt-get', ['update'])
  run('apt-get', ['install', '-y', 'chromium'])
  if (!existsSync(DEBIAN_CHROMIUM)) fail(`apt-get succeeded but ${DEBIAN_CHROMIUM} does not exist`)
  console.log(`ensure-chromium: using ${DEBIAN_CHROMIUM}`)
}
