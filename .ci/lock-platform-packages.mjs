// Puts @tarojs/binding's platform packages (macOS, Windows, Linux arm64) into package-lock.json.
// Why: npm writes into the lock only the optional packages it could resolve, and this machine's
// registry does not serve those platforms' packages (404), so a lock made here lacks them and
// `npm ci` then refuses it ("Missing: @tarojs/binding-darwin-arm64@ from lock file"). Each entry
// carries its os/cpu, so `npm ci` skips it on other platforms and fetches it on its own; npm keeps
// the entries on a later `npm install`. Run this after regenerating the lock file from scratch.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const binding = lock.packages['node_modules/@tarojs/binding'];
const platforms = {
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'linux-arm64-gnu': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'linux-x64-gnu': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'win32-x64-msvc': { os: 'win32', cpu: 'x64' },
};
const packages = {};
for (const [key, entry] of Object.entries(lock.packages)) {
  packages[key] = entry;
  if (key !== 'node_modules/@tarojs/binding') continue;
  for (const [name, version] of Object.entries(binding.optionalDependencies)) {
    const at = `node_modules/${name}`;
    const target = platforms[name.replace('@tarojs/binding-', '')];
    if (lock.packages[at] || !target) continue;
    packages[at] = {
      version,
      cpu: [target.cpu],
      dev: binding.dev,
      ...(target.libc ? { libc: [target.libc] } : {}),
      license: 'MIT',
      optional: true,
      os: [target.os],
      engines: { node: '>= 18' },
    };
    console.log(`[lock] added ${name}@${version}`);
  }
}
lock.packages = packages;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
