// `npm run build`: files the compiled code reads at run time (WSDL, browser scripts) go beside it in dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dirs = ['src/providers/resurs/wsdl', 'src/sandbox/resurs/assets', 'src/api/assets', 'src/storefront/public'];
for (const dir of dirs) {
  const from = path.join(root, dir);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(root, 'dist', dir), { recursive: true });
}
